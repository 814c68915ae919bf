package dev.tickcast.job;

import dev.tickcast.job.io.AvroParts;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The backfill mode: the same job over a bounded tick CSV instead of the ticks topic, writing
 * forecasts, evaluations and dead letters to Avro container files (or to the Kafka topics), and
 * finishing when the feed ends. Models come from {@code --model} (FILE or FILE@TIME): with effective
 * times, a backfill swaps models at exactly the same ticks as a Kafka replay that published them ahead.
 */
public final class Backfill {

    /** What a backfill wrote. */
    public record Result(
            Path forecasts,
            Path evaluations,
            Path deadLetters,
            long forecastCount,
            long evaluationCount,
            Map<String, Long> deadLettersByReason) {}

    /** Receives each output record as the merged files are written, in order (e.g. for a summary). */
    public interface Listener {
        Listener NONE = new Listener() {};

        default void forecast(Forecast f) {}

        default void evaluation(Evaluation e) {}
    }

    private Backfill() {}

    /**
     * Runs to the end of the feed and merges the part files into {@code out}/forecasts.avro, evaluations.avro,
     * deadletters.avro.
     */
    public static Result toFiles(
            JobConfig config,
            Path csv,
            Path out,
            List<byte[]> models,
            StreamExecutionEnvironment env,
            Listener listener)
            throws Exception {
        if (!Files.isRegularFile(csv)) {
            throw new IllegalArgumentException("no tick CSV at " + csv.toAbsolutePath());
        }
        Path parts = Files.createDirectories(out.resolve("parts"));
        TickcastJob.configure(env, config);
        ForecastJob.builder(config)
                .ticks(FileConnectors.ticks(csv))
                .withoutModelsTopic()
                .forecasts(FileConnectors.avro(parts, Forecast.class, "forecasts"))
                .evaluations(FileConnectors.avro(parts, Evaluation.class, "evaluations"))
                .deadLetters(FileConnectors.avro(parts, DeadLetter.class, "deadletters"))
                .initialModels(models)
                .build()
                .attach(env);
        env.execute("tickcast-backfill " + csv.getFileName());

        Map<String, Long> reasons = new TreeMap<>();
        Path forecasts = out.resolve("forecasts.avro");
        Path evaluations = out.resolve("evaluations.avro");
        Path deadLetters = out.resolve("deadletters.avro");
        long f = AvroParts.merge(parts, "forecasts", Forecast.class, forecasts, listener::forecast);
        long e = AvroParts.merge(parts, "evaluations", Evaluation.class, evaluations, listener::evaluation);
        AvroParts.merge(parts, "deadletters", DeadLetter.class, deadLetters, (Consumer<DeadLetter>)
                d -> reasons.merge(d.getReason(), 1L, Long::sum));
        deleteIfEmpty(parts);
        return new Result(forecasts, evaluations, deadLetters, f, e, reasons);
    }

    /** Runs to the end of the feed writing to the Kafka topics of {@code config}, as the streaming job does. */
    public static void toKafka(JobConfig config, Path csv, List<byte[]> models, StreamExecutionEnvironment env)
            throws Exception {
        if (!Files.isRegularFile(csv)) {
            throw new IllegalArgumentException("no tick CSV at " + csv.toAbsolutePath());
        }
        TickcastJob.configure(env, config);
        ForecastJob.builder(config)
                .ticks(FileConnectors.ticks(csv))
                .withoutModelsTopic()
                .forecasts(KafkaConnectors.forecasts(config))
                .evaluations(KafkaConnectors.evaluations(config))
                .deadLetters(KafkaConnectors.deadLetters(config))
                .initialModels(models)
                .build()
                .attach(env);
        env.execute("tickcast-backfill " + csv.getFileName());
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            if (files.findAny().isEmpty()) {
                Files.delete(dir);
            }
        }
    }
}
