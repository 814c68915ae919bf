package dev.tickcast.cli.command;

import dev.tickcast.cli.kafka.KafkaConnection;
import dev.tickcast.model.forecast.ErrorStats;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import dev.tickcast.schema.wire.WireException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** What the demo's job wrote, read back from Kafka with read_committed and summed up per symbol. */
public final class DemoResults {

    private static final class PerSymbol {
        long forecasts;
        final ErrorStats errors = new ErrorStats();
        long intervals;
        long covered;
        long deadLetters;
    }

    private final Map<String, PerSymbol> symbols = new TreeMap<>();
    private final Map<String, Long> deadLettersByReason = new TreeMap<>();
    private final ErrorStats overall = new ErrorStats();
    private long forecasts;
    private long evaluations;
    private long deadLetters;

    public long forecasts() {
        return forecasts;
    }

    public Map<String, Long> deadLettersByReason() {
        return deadLettersByReason;
    }

    /**
     * Consumes the three output topics until the expected numbers of forecasts and dead letters arrived.
     *
     * @throws IllegalStateException when they do not arrive within the timeout, with what did arrive
     */
    public static DemoResults collect(
            String bootstrap,
            String forecastsTopic,
            String evaluationsTopic,
            String deadLettersTopic,
            long expectedForecasts,
            long expectedEvaluations,
            long expectedDeadLetters,
            Duration timeout,
            ProgressBar bar)
            throws WireException {
        DemoResults r = new DemoResults();
        WireCodec<Evaluation> evaluations = WireCodec.of(Evaluation.class);
        WireCodec<DeadLetter> deadLetters = WireCodec.of(DeadLetter.class);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaConnection.plain(bootstrap)
                .consumer(Map.of(
                        "group.id", "tickcast-demo-" + UUID.randomUUID(),
                        "auto.offset.reset", "earliest",
                        "isolation.level", "read_committed"))) {
            consumer.subscribe(List.of(forecastsTopic, evaluationsTopic, deadLettersTopic));
            // Evaluations too: the table's errors would otherwise come from whatever part of them had arrived.
            while (r.forecasts < expectedForecasts
                    || r.evaluations < expectedEvaluations
                    || r.deadLetters < expectedDeadLetters) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "the job produced " + r.forecasts + " of " + expectedForecasts + " forecasts and "
                                    + r.deadLetters + " of " + expectedDeadLetters + " dead letters within " + timeout
                                    + "; see the Flink web UI or logs for why");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    String key = record.key() == null ? "?" : new String(record.key(), StandardCharsets.UTF_8);
                    PerSymbol s = r.symbols.computeIfAbsent(key, k -> new PerSymbol());
                    if (record.topic().equals(forecastsTopic)) {
                        s.forecasts++;
                        r.forecasts++;
                    } else if (record.topic().equals(evaluationsTopic)) {
                        Evaluation e = evaluations.decode(record.value());
                        s.errors.add(e);
                        r.overall.add(e);
                        r.evaluations++;
                        if (e.getCovered() != null) {
                            s.intervals++;
                            s.covered += e.getCovered() ? 1 : 0;
                        }
                    } else {
                        DeadLetter d = deadLetters.decode(record.value());
                        s.deadLetters++;
                        r.deadLetters++;
                        r.deadLettersByReason.merge(d.getReason(), 1L, Long::sum);
                    }
                }
                bar.stepTo(r.forecasts);
            }
        }
        return r;
    }

    public void print(PrintWriter out, List<Tick> sent) {
        Map<String, Long> ticks = new TreeMap<>();
        for (Tick t : sent) {
            ticks.merge(t.getSymbol(), 1L, Long::sum);
        }
        String row = "%-18s %8s %10s %12s %12s %8s %11s %9s %13s%n";
        out.printf(
                row,
                "symbol",
                "ticks",
                "forecasts",
                "MAE",
                "MAE naive",
                "skill",
                "model skill",
                "coverage",
                "dead letters");
        long intervals = 0;
        long covered = 0;
        for (Map.Entry<String, Long> e : ticks.entrySet()) {
            PerSymbol s = symbols.getOrDefault(e.getKey(), new PerSymbol());
            out.printf(
                    row,
                    e.getKey(),
                    e.getValue(),
                    s.forecasts,
                    mae(s.errors.mae()),
                    mae(s.errors.naiveMae()),
                    skill(s.errors, s.errors.skill()),
                    skill(s.errors, s.errors.modelSkill()),
                    coverage(s.covered, s.intervals),
                    s.deadLetters);
            intervals += s.intervals;
            covered += s.covered;
        }
        out.printf(
                row,
                "ALL",
                sent.size(),
                forecasts,
                mae(overall.mae()),
                mae(overall.naiveMae()),
                skill(overall, overall.skill()),
                skill(overall, overall.modelSkill()),
                coverage(covered, intervals),
                deadLetters);
        out.println("MAE of the next-price forecasts served and of the naive last price; skill = 1 - MSE/MSE_naive,"
                + " above 0 beats naive;");
        out.println("model skill = the model's own forecasts, before each symbol's guard weighed them (--guard);");
        out.println("coverage = share of prediction intervals that held the next price (nominal 90%).");
    }

    private static String mae(double mae) {
        return Double.isNaN(mae) ? "-" : String.format("%.4g", mae);
    }

    private static String coverage(long covered, long intervals) {
        return intervals == 0 ? "-" : String.format("%.1f%%", 100.0 * covered / intervals);
    }

    /** "-" when there is nothing to compare with: no evaluation, or a naive forecast that was never wrong. */
    private static String skill(ErrorStats errors, double skill) {
        return errors.count() == 0 || errors.naiveMse() == 0 ? "-" : String.format("%+.4f", skill);
    }
}
