package dev.tickcast.bench.job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;

/**
 * What the benchmark sink saw, per run. The MiniCluster runs in the benchmark's JVM, so the sink hands
 * its figures back through this registry (keyed by a run id); nothing else uses it.
 */
final class Probes {

    /** One run's sink-side figures; written by the sink's one thread, read after {@link #done}. */
    static final class Probe {
        final long warmup;
        /** Forecasts after which the run ends, or Long.MAX_VALUE when {@link #measureNanos} ends it. */
        final long target;
        /** How long to measure after the warm-up, or 0 when {@link #target} ends the run. */
        final long measureNanos;

        final Histogram latencyMicros = new Histogram(60_000_000L, 3);
        volatile long count;
        volatile long warmedAtNanos;
        volatile long doneAtNanos;
        volatile boolean done;

        Probe(long warmup, long target, long measureNanos) {
            this.warmup = warmup;
            this.target = target;
            this.measureNanos = measureNanos;
        }

        /** Called by the sink with the running count; true once the run is complete. */
        boolean reached(long n) {
            if (measureNanos == 0) {
                return n == target;
            }
            return n > warmup && (n & 1023) == 0 && System.nanoTime() - warmedAtNanos >= measureNanos;
        }

        double ticksPerSecond() {
            return (count - warmup) * 1e9 / (doneAtNanos - warmedAtNanos);
        }
    }

    private static final Map<String, Probe> RUNS = new ConcurrentHashMap<>();

    private Probes() {}

    static Probe open(String run, long warmup, long target, long measureNanos) {
        Probe p = new Probe(warmup, target, measureNanos);
        RUNS.put(run, p);
        return p;
    }

    static Probe get(String run) {
        return RUNS.get(run);
    }

    static void close(String run) {
        RUNS.remove(run);
    }
}
