package dev.vmroutes.docker;

import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.BuildResponseItem;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Follows a build: keeps its last lines (for the error detail) and the layer images it made (for cleanup). */
public final class BuildLog extends BuildImageResultCallback {

    private static final int KEPT_LINES = 15;
    private static final Pattern LAYER = Pattern.compile("^ ---> ([0-9a-f]{12,64})\\s*$");
    private static final Pattern STEP_CONTAINER = Pattern.compile("^ ---> Running in ([0-9a-f]{12,64})\\s*$");

    private final Deque<String> lastLines = new ArrayDeque<>();
    private final List<String> layerImages = new ArrayList<>();
    private final List<String> stepContainers = new ArrayList<>();
    private boolean baseSeen;
    private final java.util.function.Consumer<String> lines;

    public BuildLog() {
        this(line -> { });
    }

    /** @param lines receives every line of the build's output as it comes */
    public BuildLog(java.util.function.Consumer<String> lines) {
        this.lines = lines;
    }

    @Override
    public void onNext(BuildResponseItem item) {
        synchronized (this) {
            String text = item.getStream() != null ? item.getStream()
                    : item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : item.getError();
            if (text != null) {
                for (String line : text.split("\n")) {
                    if (line.isBlank()) continue;
                    lines.accept(line.stripTrailing());
                    Matcher step = STEP_CONTAINER.matcher(line);
                    if (step.matches()) stepContainers.add(step.group(1));
                    Matcher layer = LAYER.matcher(line);
                    if (layer.matches()) {
                        // The first layer named is the base image, which is not ours to remove.
                        if (baseSeen) layerImages.add(layer.group(1));
                        baseSeen = true;
                    }
                    lastLines.addLast(line.stripTrailing());
                    if (lastLines.size() > KEPT_LINES) lastLines.removeFirst();
                }
            }
        }
        super.onNext(item);
    }

    /** Counted down when the build's stream ends, however it ends; waiting on it leaves the stream open (awaitCompletion closes it). */
    private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

    @Override
    public void onComplete() {
        super.onComplete();
        ended.countDown();
    }

    @Override
    public void onError(Throwable throwable) {
        super.onError(throwable);
        ended.countDown();
    }

    /** Whether the build's stream ended within {@code timeout}; the stream stays open either way. */
    public boolean ended(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
        return ended.await(timeout, unit);
    }

    public synchronized String tail() {
        return String.join("\n", lastLines);
    }

    /** The containers the build ran its steps in (the engine removes them, unless the build was cut off under one). */
    public synchronized List<String> stepContainers() {
        return List.copyOf(stepContainers);
    }

    public synchronized List<String> layerImages() {
        return List.copyOf(layerImages);
    }
}
