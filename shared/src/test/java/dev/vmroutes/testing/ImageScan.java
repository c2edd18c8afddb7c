package dev.vmroutes.testing;

import com.github.dockerjava.api.DockerClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Looks for strings in everything an image holds: its files, its history and its configuration. */
public final class ImageScan {

    private static final String SCANNER = String.join("\n",
            "import os, sys",
            "needles = [n.encode() for n in sys.argv[1:]]",
            "found = os.path.exists('/app/.git')",
            "if found: print('/app/.git exists')",
            "for root, dirs, files in os.walk('/'):",
            "    if root.startswith(('/proc', '/sys', '/dev')):",
            "        dirs[:] = []",
            "        continue",
            "    for f in files:",
            "        path = os.path.join(root, f)",
            "        try:",
            "            data = open(path, 'rb').read()",
            "        except Exception:",
            "            continue",
            "        for n in needles:",
            "            if n in data:",
            "                print('found in', path)",
            "                found = True",
            "sys.exit(1 if found else 0)",
            "");

    private ImageScan() {
    }

    /** Runs a scanner in a throwaway container of {@code image}; true when no file holds any needle and there is no .git. */
    public static boolean filesAreClean(DockerClient docker, String image, List<String> needles) {
        List<String> cmd = new ArrayList<>(List.of("python", "-c", SCANNER));
        cmd.addAll(needles);
        String id = docker.createContainerCmd(image).withCmd(cmd).exec().getId();
        try {
            docker.startContainerCmd(id).exec();
            // Polled, not waited on: the client's response timeout is shorter than a scan on a busy machine.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (true) {
                var state = docker.inspectContainerCmd(id).exec().getState();
                if (!Boolean.TRUE.equals(state.getRunning())) return state.getExitCodeLong() == 0;
                if (System.nanoTime() > deadline) throw new IllegalStateException("the image scan did not finish");
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        } finally {
            docker.removeContainerCmd(id).withForce(true).exec();
        }
    }

    /** {@code docker history --no-trunc} through the CLI, over the same mutual-TLS front. */
    public static String history(String image) throws Exception {
        Process p = new ProcessBuilder("docker", "history", "--no-trunc", image).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(out);
        return out;
    }
}
