package dev.vmroutes.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/** A command run on a pseudo-terminal: a tmux server of its own, its keys sent and its screen read. */
final class Terminal implements AutoCloseable {

    private final String socket = "vmr-it-" + UUID.randomUUID();
    private final Path exitFile;

    /** Starts {@code command} (a shell line) in a 200x50 terminal; its exit status goes to a file. */
    Terminal(Path dir, String command) throws Exception {
        exitFile = dir.resolve(socket + ".exit");
        String line = command + "; echo $? > " + exitFile + "; sleep 600";
        tmux("-f", "/dev/null", "new-session", "-d", "-x", "200", "-y", "50", "bash", "-c", line);
    }

    String screen() throws Exception {
        return tmux("capture-pane", "-p", "-J", "-S", "-5000");
    }

    void keys(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "0"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /** Waits (a bounded while) until the screen shows what {@code seen} looks for; the screen either way. */
    String waitFor(Predicate<String> seen, long seconds) throws Exception {
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        String screen = screen();
        while (!seen.test(screen) && System.nanoTime() < until) {
            Thread.sleep(300);
            screen = screen();
        }
        return screen;
    }

    /** The command's exit status once it ended (bounded wait), or null. */
    Integer exitStatus(long seconds) throws Exception {
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        while (!Files.exists(exitFile) || Files.readString(exitFile).isBlank()) {
            if (System.nanoTime() > until) return null;
            Thread.sleep(300);
        }
        return Integer.parseInt(Files.readString(exitFile).strip());
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/tmux", "-L", socket));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("tmux " + String.join(" ", args) + ": " + out);
        return out;
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder("/usr/bin/tmux", "-L", socket, "kill-server").redirectErrorStream(true).start().waitFor();
    }
}
