package dev.tickcast.e2e;

import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.job.JobConfig;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A replay of a feed through a job on fresh topics named after the run: the models topic filled first (by the test),
 * then the job started, then the feed produced once every probe shows the job serving a version, and the forecasts
 * read back per symbol.
 */
final class FeedReplay {

    private FeedReplay() {}

    /** A parallelism-2 job's options on topics {@code <run>.*}, which are created. */
    static JobConfig config(EmbeddedKafka kafka, String run, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap",
                kafka.bootstrapServers(),
                "--topic.ticks",
                run + ".ticks",
                "--topic.forecasts",
                run + ".forecasts",
                "--topic.evaluations",
                run + ".evaluations",
                "--topic.models",
                run + ".models",
                "--topic.deadletters",
                run + ".deadletters",
                "--parallelism",
                "2",
                "--checkpoint-interval",
                "500 ms",
                "--starting-offsets",
                "earliest",
                "--transactional-id-prefix",
                run));
        args.addAll(Arrays.asList(extra));
        JobConfig config = JobConfig.fromArgs(args.toArray(new String[0]));
        kafka.createTopics(3, config.ticksTopic());
        kafka.createTopics(2, config.forecastsTopic(), config.evaluationsTopic(), config.deadLettersTopic());
        kafka.createTopics(1, Map.of("cleanup.policy", "compact"), config.modelsTopic());
        return config;
    }

    /**
     * Starts the job, waits until probes past {@code servingFrom} are served by {@code version}, produces the feed and
     * returns every forecast of it (probes left out) by symbol, each as {@link E2eData#describe}.
     */
    static Map<String, List<String>> run(
            EmbeddedKafka kafka, JobConfig config, String run, List<Tick> ticks, long version, Instant servingFrom)
            throws Exception {
        JobClient job = JobRunner.start(config, new Configuration(), List.of(), run);
        try (ForecastCollector collector =
                new ForecastCollector(kafka.bootstrapServers(), config.forecastsTopic(), true)) {
            Probes.awaitServing(
                    kafka.bootstrapServers(), collector, config.ticksTopic(), version, servingFrom.plusSeconds(1));
            WireCodec<Tick> codec = WireCodec.of(Tick.class);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            ticks.forEach(t -> records.add(
                    new ProducerRecord<>(config.ticksTopic(), WireCodec.key(t.getSymbol()), codec.encode(t))));
            KafkaIo.produce(kafka.bootstrapServers(), records);
            long expected = Backtest.run(null, ticks, ForecastSettings.DEFAULTS, s -> Long.MIN_VALUE, (t, f) -> {})
                    .forecasts();
            KafkaIo.await(
                    () -> collector.count(f -> !Probes.isProbe(f)) >= expected,
                    Duration.ofMinutes(3),
                    run + " forecasts");
            Thread.sleep(1500); // a few more commits: nothing may arrive twice
            return bySymbol(collector.forecasts().stream()
                    .filter(f -> !Probes.isProbe(f))
                    .toList());
        } finally {
            job.cancel().get();
        }
    }

    static Map<String, List<String>> bySymbol(List<Forecast> forecasts) {
        Map<String, List<String>> map = new TreeMap<>();
        for (Forecast f : forecasts) {
            map.computeIfAbsent(f.getSymbol(), s -> new ArrayList<>()).add(E2eData.describe(f));
        }
        return map;
    }
}
