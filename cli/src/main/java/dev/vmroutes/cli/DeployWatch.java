package dev.vmroutes.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Follows a deployment to its end: its record for the phases and its build log paged by offset.
 * On a terminal a finished phase is a line with its time, the running one a status line redrawn
 * below the log; elsewhere every phase's start and end and the log are plain lines. Ctrl-C on a
 * terminal asks whether to cancel the deploy.
 */
final class DeployWatch {

    static final Set<String> UNDER_WAY = Set.of("queued", "cloning", "building", "starting", "waiting_ready", "cancelling");
    /** Lines of build log shown from one page at most; more are skipped, and the line says so. */
    static final int MAX_LINES = 100;
    static final String SKIPPED = "[lines skipped]";

    private final Api api;
    private final String id;
    private final Screen screen;
    private final boolean show;
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private long offset;
    private int phasesEnded;
    private int phasesStarted;
    private String lastLog = "";

    DeployWatch(Api api, String id, Screen screen, boolean show) {
        this.api = api;
        this.id = id;
        this.screen = screen;
        this.show = show;
    }

    Api.Answer follow() throws InterruptedException {
        if (screen.interactive) sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> interrupted.set(true));
        Api.Answer answer;
        int pagesAfterEnd = 0;
        while (true) {
            answer = api.get("/deployments/" + Api.segment(id)).orThrow();
            JsonNode record = answer.json();
            boolean logComplete = readLog();
            showPhases(record);
            boolean underWay = UNDER_WAY.contains(record.path("status").asText());
            if (!underWay && (logComplete || ++pagesAfterEnd > 5)) break;
            screen.status(statusLine(record));
            if (interrupted.getAndSet(false)) askToCancel();
            Thread.sleep(500);
        }
        screen.clearStatus();
        if (show) summary(answer.json());
        return answer;
    }

    /** The next page of the build log, printed; whether the log is complete. */
    private boolean readLog() {
        JsonNode page = api.get("/deployments/" + Api.segment(id) + "/log", Map.of("offset", Long.toString(offset))).orThrow().json();
        String text = page.path("log").asText();
        long next = page.path("next_offset").asLong(offset);
        // the API keeps a build's last chunks only: a page longer than its text started past what we asked for
        boolean skipped = next - offset > text.getBytes(StandardCharsets.UTF_8).length;
        offset = next;
        if (!text.isEmpty()) lastLog = tail(lastLog + text, 4000);
        if (show && !text.isEmpty()) {
            List<String> lines = text.lines().toList();
            if (skipped || lines.size() > MAX_LINES) screen.line(SKIPPED);
            for (String line : lines.subList(Math.max(0, lines.size() - MAX_LINES), lines.size())) screen.line(line);
        }
        return page.path("complete").asBoolean();
    }

    private void showPhases(JsonNode record) {
        if (!show) return;
        JsonNode phases = record.path("phases");
        for (; phasesStarted < phases.size(); phasesStarted++) {
            if (!screen.interactive) screen.line(phases.get(phasesStarted).path("phase").asText() + " ...");
        }
        for (; phasesEnded < phases.size() && phases.get(phasesEnded).hasNonNull("ended_at"); phasesEnded++) {
            JsonNode phase = phases.get(phasesEnded);
            screen.line(String.format("== %-8s %s", phase.path("phase").asText(), elapsed(phase)));
        }
    }

    private String statusLine(JsonNode record) {
        JsonNode phases = record.path("phases");
        String status = record.path("status").asText();
        String since = record.path("created_at").asText(null);
        if (phasesEnded < phases.size()) since = phases.get(phasesEnded).path("started_at").asText(since);
        String time = since == null ? "" : " " + seconds(Duration.between(Instant.parse(since), Instant.now()));
        return "-> " + status + time + "   (Ctrl-C to cancel)";
    }

    private BufferedReader stdin;

    private void askToCancel() {
        screen.clearStatus();
        screen.out.print("cancel the deploy? [y/N] ");
        screen.out.flush();
        String reply;
        try {
            if (stdin == null) stdin = new BufferedReader(new InputStreamReader(System.in));
            reply = stdin.readLine();
        } catch (IOException e) {
            reply = null;
        }
        if (reply == null || !reply.strip().toLowerCase().startsWith("y")) {
            screen.line("going on");
            return;
        }
        try {
            api.delete("/deployments/" + Api.segment(id)).orThrow();
            screen.line("cancelling deployment " + id);
        } catch (Api.ApiError e) {
            screen.line("could not cancel: " + e.getMessage());
        }
    }

    private void summary(JsonNode record) {
        String status = record.path("status").asText();
        PrintWriter out = screen.out;
        switch (exitCode(record)) {
            case Vmr.OK -> {
                out.println("running: " + record.path("container_name").asText() + " (deployment " + id + ")");
                printAddress(out, api.base(), record);
            }
            case Vmr.FAILED -> {
                out.println("failed in phase " + record.path("failure_phase").asText("?") + ":");
                String detail = record.path("detail").asText("");
                for (String line : tail(detail, 4000).lines().toList()) out.println("  " + line);
                if (detail.isEmpty()) lastLog.lines().skip(Math.max(0, lastLog.lines().count() - 20)).forEach(l -> out.println("  " + l));
            }
            case Vmr.CANCELLED -> out.println("cancelled: deployment " + id);
            default -> out.println(status + ", not ready: " + record.path("container_name").asText("")
                    + (record.hasNonNull("detail") ? " " + record.get("detail").asText() : ""));
        }
        out.flush();
    }

    int exitCode(JsonNode record) {
        String status = record.path("status").asText();
        if (status.equals("running") && record.hasNonNull("ready_at")) return Vmr.OK;
        if (status.equals("failed")) return Vmr.FAILED;
        if (status.equals("cancelled")) return Vmr.CANCELLED;
        return Vmr.NOT_READY;
    }

    /** Each published port, as the address on the API's host (the Docker host behind API Gateway). */
    static void printAddress(PrintWriter out, URI base, JsonNode deployed) {
        boolean gateway = SigV4.regionOf(base) != null;
        deployed.path("ports").fields().forEachRemaining(port -> out.println("  " + port.getKey() + " -> "
                + (gateway ? "port " + port.getValue().asText() + " on the Docker host" : "http://" + base.getHost() + ":" + port.getValue().asText())));
        out.flush();
    }

    static String elapsed(JsonNode phase) {
        if (!phase.hasNonNull("started_at")) return "";
        Instant start = Instant.parse(phase.get("started_at").asText());
        Instant end = phase.hasNonNull("ended_at") ? Instant.parse(phase.get("ended_at").asText()) : Instant.now();
        return seconds(Duration.between(start, end));
    }

    static String seconds(Duration duration) {
        return String.format("%.1f s", Math.max(0, duration.toMillis()) / 1000.0);
    }

    private static String tail(String text, int chars) {
        return text.length() <= chars ? text : text.substring(text.length() - chars);
    }
}
