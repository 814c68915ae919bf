package dev.tickcast.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live model swaps through a real broker and the job on a MiniCluster (parallelism 2, exactly-once):
 * the bundled feed replayed in five parts with v1, then v2 published, then a pin back to v1 (rollback),
 * then an unpin (v2), then a stop with savepoint and a restart that must serve v2 at once from state.
 * Each swap is confirmed with probe symbols before the next part is sent, so the serving model of every
 * tick is known; the forecasts must then equal, bit for bit, the backtest that swaps models at the same
 * ticks (re-warming each symbol from its ring of recent inputs).
 */
class ModelSwapEndToEndTest {

    private static final int PARALLELISM = 2;
    private static final int PROBES = 10;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(PARALLELISM)
            .build());

    private static EmbeddedKafka kafka;

    @TempDir
    Path savepoints;

    private int probeRound;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void swapRollbackUnpinAndRestartEachForecastStampedAndEqualToTheBacktest() throws Exception {
        JobConfig config = JobConfig.fromArgs(
                "--bootstrap",
                kafka.bootstrapServers(),
                "--topic.ticks",
                "swap.ticks",
                "--topic.forecasts",
                "swap.forecasts",
                "--topic.evaluations",
                "swap.evaluations",
                "--topic.models",
                "swap.models",
                "--topic.deadletters",
                "swap.deadletters",
                "--parallelism",
                String.valueOf(PARALLELISM),
                "--checkpoint-interval",
                "500 ms",
                "--starting-offsets",
                "earliest",
                "--transactional-id-prefix",
                "swap");
        kafka.createTopics(3, config.ticksTopic());
        kafka.createTopics(2, config.forecastsTopic(), config.evaluationsTopic(), config.deadLettersTopic());
        kafka.createTopics(1, Map.of("cleanup.policy", "compact"), config.modelsTopic());

        List<Tick> ticks = BundledData.read().ticks();
        int n = ticks.size();
        int[] cut = {0, n / 5, 2 * n / 5, 3 * n / 5, 4 * n / 5, n};
        ModelUpdate v1 = E2eData.randomModel("default", 1, CellType.LSTM, new int[] {12}, 1L);
        ModelUpdate v2 =
                E2eData.randomModel("default", 2, CellType.GRU, new int[] {10}, 2L); // a different architecture, too

        ModelsPublisher models = new ModelsPublisher(config.modelsTopic());
        models.send("default", ModelRecords.modelCodec().encode(v1));
        JobClient job = JobRunner.start(config, new Configuration(), List.of(), "swap-1");
        try (ForecastCollector collector =
                new ForecastCollector(kafka.bootstrapServers(), config.forecastsTopic(), true)) {
            awaitServing(collector, config, 1);
            sendAndAwait(collector, config, ticks, cut[0], cut[1]);

            models.send("default", ModelRecords.modelCodec().encode(v2));
            awaitServing(collector, config, 2);
            sendAndAwait(collector, config, ticks, cut[1], cut[2]);

            models.send("default#control", control(ModelAction.PIN, 1));
            awaitServing(collector, config, 1);
            sendAndAwait(collector, config, ticks, cut[2], cut[3]);

            models.send("default#control", control(ModelAction.UNPIN, 0));
            awaitServing(collector, config, 2);
            sendAndAwait(collector, config, ticks, cut[3], cut[4]);

            String savepoint = job.stopWithSavepoint(
                            false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
            Configuration restore = new Configuration();
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            job = JobRunner.start(config, restore, List.of(), "swap-2");
            // No probe now: the first ticks after the restart must already be served by v2, from checkpointed state.
            sendAndAwait(collector, config, ticks, cut[4], cut[5]);
            job.cancel().get();

            Model m1 = Model.verify(v1);
            Model m2 = Model.verify(v2);
            Map<String, List<String>> expected = new HashMap<>();
            Backtest.Summary offline = Backtest.runWithModels(
                    i -> i < cut[1] || (i >= cut[2] && i < cut[3]) ? m1 : m2,
                    ticks,
                    ForecastSettings.DEFAULTS,
                    s -> Long.MIN_VALUE,
                    (t, f) -> expected.computeIfAbsent(f.getSymbol(), s -> new ArrayList<>())
                            .add(E2eData.describe(f)));
            Map<String, List<String>> actual = collector.forecasts().stream()
                    .filter(f -> !f.getSymbol().startsWith("PROBE"))
                    .collect(Collectors.groupingBy(
                            Forecast::getSymbol, Collectors.mapping(E2eData::describe, Collectors.toList())));

            assertThat(actual.values().stream().mapToLong(List::size).sum()).isEqualTo(offline.forecasts());
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            for (String symbol : expected.keySet()) {
                assertThat(actual.get(symbol))
                        .as("forecasts of %s", symbol)
                        .containsExactlyElementsOf(expected.get(symbol));
            }
            Map<Long, Long> versions = collector.forecasts().stream()
                    .filter(f -> !f.getSymbol().startsWith("PROBE"))
                    .collect(Collectors.groupingBy(Forecast::getModelVersion, Collectors.counting()));
            System.out.printf(
                    "swap e2e: %d forecasts by version %s; savepoint %s%n", offline.forecasts(), versions, savepoint);
            assertThat(versions.keySet()).containsExactlyInAnyOrder(0L, 1L, 2L);
        } finally {
            if (!job.getJobStatus().get().isTerminalState()) {
                job.cancel().get();
            }
        }
    }

    @Test
    void badModelsAreDeadLetteredWithTheirReasonAndTheServingModelKeepsServing() throws Exception {
        JobConfig config = JobConfig.fromArgs(
                "--bootstrap",
                kafka.bootstrapServers(),
                "--topic.ticks",
                "bad.ticks",
                "--topic.forecasts",
                "bad.forecasts",
                "--topic.evaluations",
                "bad.evaluations",
                "--topic.models",
                "bad.models",
                "--topic.deadletters",
                "bad.deadletters",
                "--parallelism",
                String.valueOf(PARALLELISM),
                "--checkpoint-interval",
                "500 ms",
                "--starting-offsets",
                "earliest",
                "--transactional-id-prefix",
                "bad");
        kafka.createTopics(
                2, config.ticksTopic(), config.forecastsTopic(), config.evaluationsTopic(), config.deadLettersTopic());
        kafka.createTopics(1, Map.of("cleanup.policy", "compact"), config.modelsTopic());
        ModelUpdate v5 = E2eData.randomModel("default", 5, CellType.LSTM, new int[] {6}, 5L);
        WireCodec<ModelUpdate> codec = ModelRecords.modelCodec();
        ModelsPublisher models = new ModelsPublisher(config.modelsTopic());
        models.send("default", codec.encode(v5));

        JobClient job = JobRunner.start(config, new Configuration(), List.of(), "bad-models");
        try (ForecastCollector collector =
                new ForecastCollector(kafka.bootstrapServers(), config.forecastsTopic(), true)) {
            awaitServing(collector, config, 5);
            ModelUpdate v6 = E2eData.randomModel("default", 6, CellType.LSTM, new int[] {6}, 6L);
            byte[] altered = bytes(v6.getWeights());
            altered[7] ^= 0x40;
            float[] nan = dev.tickcast.model.file.Weights.fromBytes(v6.getWeights());
            nan[3] = Float.NaN;
            float[] tooFew = java.util.Arrays.copyOf(dev.tickcast.model.file.Weights.fromBytes(v6.getWeights()), 10);
            Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
            bad.put(
                    "CHECKSUM",
                    codec.encode(ModelUpdate.newBuilder(v6)
                            .setWeights(java.nio.ByteBuffer.wrap(altered))
                            .build()));
            bad.put(
                    "SHAPE",
                    codec.encode(ModelUpdate.newBuilder(v6)
                            .setWeights(java.nio.ByteBuffer.wrap(dev.tickcast.model.file.Weights.toBytes(tooFew)))
                            .setWeightsSha256(java.nio.ByteBuffer.wrap(dev.tickcast.model.file.Weights.sha256(
                                    java.nio.ByteBuffer.wrap(dev.tickcast.model.file.Weights.toBytes(tooFew)))))
                            .build()));
            bad.put(
                    "NOT_FINITE",
                    codec.encode(ModelFile.build(
                            "default",
                            6,
                            CellType.LSTM,
                            new int[] {6},
                            v6.getFeatures(),
                            nan,
                            null,
                            null,
                            v6.getCreatedAt())));
            bad.put("WRONG_SCHEMA", UnknownCellType.encode(v6, "TRANSFORMER"));
            bad.put("VERSION", codec.encode(E2eData.randomModel("default", 4, CellType.LSTM, new int[] {6}, 4L)));
            for (byte[] b : bad.values()) {
                models.send("default", b);
            }
            List<dev.tickcast.schema.DeadLetter> deadLetters = new ArrayList<>();
            WireCodec<dev.tickcast.schema.DeadLetter> dl = WireCodec.of(dev.tickcast.schema.DeadLetter.class);
            for (var r : KafkaIo.readCommitted(
                    kafka.bootstrapServers(),
                    config.deadLettersTopic(),
                    Duration.ofMinutes(1),
                    all -> all.size() >= bad.size())) {
                deadLetters.add(dl.decode(r.value()));
            }
            assertThat(deadLetters)
                    .extracting(dev.tickcast.schema.DeadLetter::getReason)
                    .containsOnly("MODEL_REJECTED");
            assertThat(deadLetters)
                    .extracting(d -> d.getDetail().substring(0, d.getDetail().indexOf(':')))
                    .containsExactlyInAnyOrderElementsOf(bad.keySet());
            assertThat(deadLetters)
                    .allSatisfy(d -> assertThat(d.getSourceTopic()).isEqualTo(config.modelsTopic()));
            awaitServing(collector, config, 5); // forecasts continue with the serving version
        } finally {
            job.cancel().get();
        }
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /**
     * Sends ticks [from, to) and waits until the job committed a forecast or a dead letter... a forecast for each valid
     * one.
     */
    private void sendAndAwait(ForecastCollector collector, JobConfig config, List<Tick> ticks, int from, int to)
            throws Exception {
        List<Tick> part = ticks.subList(from, to);
        long before = collector.count(f -> !f.getSymbol().startsWith("PROBE"));
        long valid =
                Backtest.run(null, ticks.subList(0, to), ForecastSettings.DEFAULTS, s -> Long.MIN_VALUE, (t, f) -> {})
                                .forecasts()
                        - Backtest.run(
                                        null,
                                        ticks.subList(0, from),
                                        ForecastSettings.DEFAULTS,
                                        s -> Long.MIN_VALUE,
                                        (t, f) -> {})
                                .forecasts();
        WireCodec<Tick> codec = WireCodec.of(Tick.class);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Tick t : part) {
            records.add(new ProducerRecord<>(config.ticksTopic(), WireCodec.key(t.getSymbol()), codec.encode(t)));
        }
        KafkaIo.produce(kafka.bootstrapServers(), records);
        KafkaIo.await(
                () -> collector.count(f -> !f.getSymbol().startsWith("PROBE")) >= before + valid,
                Duration.ofMinutes(3),
                "forecasts of ticks " + from + ".." + to);
    }

    /** Sends a round of probe ticks until every probe symbol's newest forecast carries the version. */
    private void awaitServing(ForecastCollector collector, JobConfig config, long version) throws Exception {
        WireCodec<Tick> codec = WireCodec.of(Tick.class);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            int round = ++probeRound;
            Instant time = Instant.parse("2030-01-01T00:00:00Z")
                    .minus(Duration.ofDays(3650))
                    .plusSeconds(round);
            List<ProducerRecord<byte[], byte[]>> probes = new ArrayList<>();
            for (int p = 0; p < PROBES; p++) {
                Tick t = Tick.newBuilder()
                        .setSymbol("PROBE-" + p)
                        .setEventTime(time)
                        .setPrice(100 + round * 0.01 + p)
                        .setVolume(null)
                        .build();
                probes.add(new ProducerRecord<>(config.ticksTopic(), WireCodec.key(t.getSymbol()), codec.encode(t)));
            }
            KafkaIo.produce(kafka.bootstrapServers(), probes);
            KafkaIo.await(
                    () -> collector.count(f -> f.getSymbol().startsWith("PROBE")
                                    && f.getEventTime().equals(time))
                            >= PROBES,
                    Duration.ofMinutes(1),
                    "probe round " + round);
            boolean all = collector.forecasts().stream()
                    .filter(f -> f.getSymbol().startsWith("PROBE")
                            && f.getEventTime().equals(time))
                    .allMatch(f -> f.getModelVersion() == version);
            if (all && round > 1) {
                return;
            }
        }
        throw new AssertionError("the job did not serve version " + version + " within 2 minutes");
    }

    private static byte[] control(ModelAction action, long version) {
        return WireCodec.of(ModelControl.class)
                .encode(ModelControl.newBuilder()
                        .setModelName("default")
                        .setAction(action)
                        .setVersion(version)
                        .setIssuedAt(Instant.now())
                        .build()); // a control applies only if issued after the last one
    }

    /** Writes to the models topic. */
    private static final class ModelsPublisher {
        private final String topic;

        ModelsPublisher(String topic) {
            this.topic = topic;
        }

        void send(String key, byte[] value) {
            KafkaIo.produce(kafka.bootstrapServers(), List.of(new ProducerRecord<>(topic, WireCodec.key(key), value)));
        }
    }
}
