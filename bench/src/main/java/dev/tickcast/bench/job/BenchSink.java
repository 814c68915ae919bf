package dev.tickcast.bench.job;

import dev.tickcast.schema.Forecast;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Discards forecasts, counting them: after {@code warmup} forecasts it starts the clock, at
 * {@code target} it stops it. With a rate, it records each forecast's latency from its tick's
 * scheduled send time (see {@link TickGenerator}), after the warm-up.
 */
final class BenchSink implements Sink<Forecast> {

    private static final long serialVersionUID = 1L;

    private final String run;
    private final int symbols;
    private final double ratePerSecond;

    BenchSink(String run, int symbols, double ratePerSecond) {
        this.run = run;
        this.symbols = symbols;
        this.ratePerSecond = ratePerSecond;
    }

    @Override
    public SinkWriter<Forecast> createWriter(WriterInitContext context) {
        Probes.Probe probe = Probes.get(run);
        return new SinkWriter<>() {
            long count;
            long baseMs = -1;

            @Override
            public void write(Forecast f, Context context) {
                long n = ++count;
                if (ratePerSecond > 0) {
                    long timeMs = f.getEventTime().toEpochMilli();
                    if (baseMs < 0) {
                        baseMs = timeMs; // the first forecast is tick 0's: symbol S0, event time = base
                    }
                    if (n > probe.warmup) {
                        long tick = (timeMs - baseMs) * symbols
                                + Integer.parseInt(
                                        f.getSymbol(), 1, f.getSymbol().length(), 10);
                        long dueMicros = baseMs * 1000 + (long) (tick * 1e6 / ratePerSecond);
                        probe.latencyMicros.recordValue(
                                Math.max(0, Math.min(TickGenerator.nowMicros() - dueMicros, 60_000_000L)));
                    }
                }
                if (n == probe.warmup) {
                    probe.warmedAtNanos = System.nanoTime();
                } else if (probe.reached(n)) {
                    probe.doneAtNanos = System.nanoTime();
                    probe.count = n;
                    probe.done = true;
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
