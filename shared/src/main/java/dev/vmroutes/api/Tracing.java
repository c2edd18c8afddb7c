package dev.vmroutes.api;

import com.amazonaws.xray.AWSXRay;
import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.AWSXRayRecorderBuilder;
import com.amazonaws.xray.config.DaemonConfiguration;
import com.amazonaws.xray.emitters.UDPEmitter;
import com.amazonaws.xray.entities.Entity;
import com.amazonaws.xray.entities.Subsegment;
import com.amazonaws.xray.entities.TraceHeader;
import com.amazonaws.xray.strategy.IgnoreErrorContextMissingStrategy;
import com.amazonaws.xray.strategy.sampling.AllSamplingStrategy;

import java.net.SocketException;
import java.util.function.Supplier;

/**
 * X-Ray segments and subsegments, when tracing is on: on Lambda with {@code Tracing: Active}
 * (Lambda makes each invocation's segment), or locally with {@code VM_TRACING=xray} (this process
 * makes them, every one sampled, and sends them to the daemon at {@code AWS_XRAY_DAEMON_ADDRESS}).
 * Off, every method just runs what it is given. A subsegment records that its work failed, never
 * the exception's message (it could quote a request's secret).
 */
public final class Tracing {

    /** Ends what {@link #segment} began. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static final Scope NOTHING = () -> {
    };
    private static volatile boolean on;
    private static volatile boolean onLambda;

    private Tracing() {
    }

    /**
     * Turns tracing on or off for this process. Segments go to the daemon the SDK finds: {@code
     * AWS_XRAY_DAEMON_ADDRESS}, else the system property {@code com.amazonaws.xray.emitters.daemonAddress},
     * else 127.0.0.1:2000.
     */
    public static synchronized void configure(boolean enabled, boolean lambda) {
        if (enabled && !on) {
            AWSXRayRecorderBuilder builder = AWSXRayRecorderBuilder.standard()
                    .withContextMissingStrategy(new IgnoreErrorContextMissingStrategy());
            if (!lambda) {
                try {
                    builder.withSamplingStrategy(new AllSamplingStrategy()).withEmitter(new UDPEmitter(new DaemonConfiguration()));
                } catch (SocketException e) {
                    throw new IllegalStateException("tracing: no UDP socket for the X-Ray daemon", e);
                }
            }
            AWSXRay.setGlobalRecorder(builder.build());
        }
        on = enabled;
        onLambda = lambda;
    }

    public static boolean on() {
        return on;
    }

    /**
     * A segment of this process's own, continuing the trace {@code traceHeader} names (an X-Ray
     * trace header, as {@link #currentHeader} gives) or starting one. On Lambda, and with tracing
     * off, nothing: Lambda makes the invocation's segment.
     */
    public static Scope segment(String name, String traceHeader) {
        if (!on || onLambda) return NOTHING;
        AWSXRayRecorder recorder = AWSXRay.getGlobalRecorder();
        TraceHeader header = traceHeader == null ? null : TraceHeader.fromString(traceHeader);
        if (header != null && header.getRootTraceId() != null) recorder.beginSegment(name, header.getRootTraceId(), header.getParentId());
        else recorder.beginSegment(name);
        return recorder::endSegment;
    }

    /** Runs {@code work} as a subsegment of what is traced on this thread (nothing traced: just runs it). */
    public static <T> T subsegment(String name, Supplier<T> work) {
        if (!on) return work.get();
        AWSXRayRecorder recorder = AWSXRay.getGlobalRecorder();
        if (recorder.getTraceEntity() == null) return work.get();
        Subsegment subsegment = recorder.beginSubsegment(name);
        try {
            return work.get();
        } catch (RuntimeException | Error e) {
            if (subsegment != null) subsegment.setFault(true);
            throw e;
        } finally {
            recorder.endSubsegment();
        }
    }

    /** The trace header of what is traced on this thread, to carry to another process or thread; null when nothing is. */
    public static String currentHeader() {
        if (!on) return null;
        Entity entity = AWSXRay.getGlobalRecorder().getTraceEntity();
        if (entity == null) return null;
        return new TraceHeader(entity.getParentSegment().getTraceId(), entity.getId(),
                entity.getParentSegment().isSampled() ? TraceHeader.SampleDecision.SAMPLED : TraceHeader.SampleDecision.NOT_SAMPLED).toString();
    }

    /** {@code task} run on another thread within what is traced on this one now. */
    public static Runnable carriedTo(Runnable task) {
        if (!on) return task;
        AWSXRayRecorder recorder = AWSXRay.getGlobalRecorder();
        Entity carried = recorder.getTraceEntity();
        if (carried == null) return task;
        return () -> {
            Entity own = recorder.getTraceEntity();
            recorder.setTraceEntity(carried);
            try {
                task.run();
            } finally {
                if (own == null) recorder.clearTraceEntity();
                else recorder.setTraceEntity(own);
            }
        };
    }
}
