package dev.vmroutes.functions.logging;

import ch.qos.logback.classic.encoder.JsonEncoder;

/**
 * Logback's JSON encoder, one object a line: time, level, thread, logger, the MDC (request id,
 * deployment id, agent), the formatted message and any throwable. Not the message's pattern and
 * arguments apart: the line says what happened once.
 */
public class JsonLogEncoder extends JsonEncoder {

    public JsonLogEncoder() {
        setWithSequenceNumber(false);
        setWithNanoseconds(false);
        setWithContext(false);
        setWithMessage(false);
        setWithArguments(false);
        setWithFormattedMessage(true);
    }
}
