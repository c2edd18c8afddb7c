package dev.vmroutes.functions.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every line logged while open, as the JSON format writes it (the encoder logback.xml names for {@code json}). */
public final class CapturedLogs extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    public final List<String> lines = new CopyOnWriteArrayList<>();
    private final JsonLogEncoder encoder = new JsonLogEncoder();
    private final Logger root;

    private CapturedLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        setContext(context);
        setName("captured");
        encoder.setContext(context);
        encoder.start();
    }

    public static CapturedLogs open() {
        CapturedLogs captured = new CapturedLogs();
        captured.start();
        captured.root.addAppender(captured);
        return captured;
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8).strip());
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}
