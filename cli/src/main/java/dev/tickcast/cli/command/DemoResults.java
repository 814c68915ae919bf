package dev.tickcast.cli.command;

import dev.tickcast.cli.kafka.KafkaConnection;
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
        long evaluations;
        double absError;
        double naiveAbsError;
        double sqError;
        double modelSqError;
        double naiveSqError;
        long intervals;
        long covered;
        long deadLetters;
    }

    private final Map<String, PerSymbol> symbols = new TreeMap<>();
    private final Map<String, Long> deadLettersByReason = new TreeMap<>();
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
                        s.evaluations++;
                        r.evaluations++;
                        s.absError += Math.abs(e.getError());
                        s.naiveAbsError += Math.abs(e.getNaiveError());
                        s.sqError += e.getError() * e.getError();
                        double modelError = e.getModelError() == null ? e.getError() : e.getModelError();
                        s.modelSqError += modelError * modelError;
                        s.naiveSqError += e.getNaiveError() * e.getNaiveError();
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
        double abs = 0;
        double naiveAbs = 0;
        double sq = 0;
        double modelSq = 0;
        double naiveSq = 0;
        long n = 0;
        long intervals = 0;
        long covered = 0;
        for (Map.Entry<String, Long> e : ticks.entrySet()) {
            PerSymbol s = symbols.getOrDefault(e.getKey(), new PerSymbol());
            out.printf(
                    row,
                    e.getKey(),
                    e.getValue(),
                    s.forecasts,
                    mae(s.absError, s.evaluations),
                    mae(s.naiveAbsError, s.evaluations),
                    skill(s.sqError, s.naiveSqError),
                    skill(s.modelSqError, s.naiveSqError),
                    coverage(s.covered, s.intervals),
                    s.deadLetters);
            abs += s.absError;
            naiveAbs += s.naiveAbsError;
            sq += s.sqError;
            modelSq += s.modelSqError;
            naiveSq += s.naiveSqError;
            n += s.evaluations;
            intervals += s.intervals;
            covered += s.covered;
        }
        out.printf(
                row,
                "ALL",
                sent.size(),
                forecasts,
                mae(abs, n),
                mae(naiveAbs, n),
                skill(sq, naiveSq),
                skill(modelSq, naiveSq),
                coverage(covered, intervals),
                deadLetters);
        out.println("MAE of the next-price forecasts served and of the naive last price; skill = 1 - MSE/MSE_naive,"
                + " above 0 beats naive;");
        out.println("model skill = the model's own forecasts, before each symbol's guard weighed them (--guard);");
        out.println("coverage = share of prediction intervals that held the next price (nominal 90%).");
    }

    private static String mae(double sum, long n) {
        return n == 0 ? "-" : String.format("%.4g", sum / n);
    }

    private static String coverage(long covered, long intervals) {
        return intervals == 0 ? "-" : String.format("%.1f%%", 100.0 * covered / intervals);
    }

    private static String skill(double sq, double naiveSq) {
        return naiveSq == 0 ? "-" : String.format("%+.4f", 1 - sq / naiveSq);
    }
}
