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
        final long target;
        final Histogram latencyMicros = new Histogram(60_000_000L, 3);
        volatile long count;
        volatile long warmedAtNanos;
        volatile long doneAtNanos;
        volatile boolean done;

        Probe(long warmup, long target) {
            this.warmup = warmup;
            this.target = target;
        }

        double ticksPerSecond() {
            return (target - warmup) * 1e9 / (doneAtNanos - warmedAtNanos);
        }
    }

    private static final Map<String, Probe> RUNS = new ConcurrentHashMap<>();

    private Probes() {}

    static Probe open(String run, long warmup, long target) {
        Probe p = new Probe(warmup, target);
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
