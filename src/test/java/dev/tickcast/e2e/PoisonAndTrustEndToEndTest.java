package dev.tickcast.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.cli.cluster.FlinkRest;
import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.file.ModelSigning;
import dev.tickcast.model.file.Weights;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.FeatureSpec;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's hostile writer against the running job (real broker, MiniCluster, parallelism 2, signing on):
 * every record that used to restart the job in a loop, block its models or take them over, on the ticks topic
 * and on the models topic. Each must end as a dead letter with its reason; the job never restarts
 * ({@code numRestarts} = 0), the signed model it served keeps serving, and other symbols' ticks are forecast.
 */
class PoisonAndTrustEndToEndTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final Instant T0 = Instant.parse("2024-01-02T00:00:00Z");
    private static final byte[] PAST_2POW31 = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10};
    /** Avro's zig-zag varint of 2,000,000,000: a length just below 2^31. */
    private static final byte[] NEAR_2POW31 = {(byte) 0x80, (byte) 0xd0, (byte) 0xac, (byte) 0xf3, 0x0e};

    private final KeyPair key = ModelSigning.generate();
    private final WireCodec<Tick> ticks = WireCodec.of(Tick.class);
    private final WireCodec<ModelUpdate> models = ModelRecords.modelCodec();
    private final WireCodec<ModelControl> controls = WireCodec.of(ModelControl.class);

    @Test
    void poisonRecordsAndUntrustedModelsAreDeadLetteredWithoutARestart(
            @TempDir Path keys, @InjectClusterRESTAddress URI rest) throws Exception {
        ModelSigning.writeKeyPair(key, keys.resolve("k.key"), keys.resolve("k.pub"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = JobConfig.fromArgs(
                    "--bootstrap",
                    kafka.bootstrapServers(),
                    "--topic.ticks",
                    "p.ticks",
                    "--topic.forecasts",
                    "p.forecasts",
                    "--topic.evaluations",
                    "p.evaluations",
                    "--topic.models",
                    "p.models",
                    "--topic.deadletters",
                    "p.deadletters",
                    "--parallelism",
                    "2",
                    "--checkpoint-interval",
                    "500 ms",
                    "--starting-offsets",
                    "earliest",
                    "--transactional-id-prefix",
                    "poison",
                    "--trusted-keys",
                    keys.resolve("k.pub").toString());
            // Topics that take records up to 2 MiB, as a broker configured for big records would: the job's own limits
            // must hold.
            kafka.createTopics(
                    1, Map.of("max.message.bytes", String.valueOf(2 << 20)), config.ticksTopic(), config.modelsTopic());
            kafka.createTopics(2, config.forecastsTopic(), config.evaluationsTopic(), config.deadLettersTopic());
            Properties bigRequests = new Properties();
            bigRequests.put("max.request.size", String.valueOf(4 << 20));

            ModelUpdate v1 = signed(E2eData.randomModel("default", 1, CellType.LSTM, new int[] {6}, 1L));
            ModelUpdate v2 = signed(E2eData.randomModel("default", 2, CellType.LSTM, new int[] {6}, 2L));
            KafkaIo.produce(
                    kafka.bootstrapServers(),
                    List.of(model(config, "default", models.encode(v1)), model(config, "default", models.encode(v2))));

            JobClient job = JobRunner.start(config, new Configuration(), List.of(), "poison");
            FlinkRest flink = new FlinkRest(rest.toString().replaceAll("/$", ""));
            try (ForecastCollector collector =
                    new ForecastCollector(kafka.bootstrapServers(), config.forecastsTopic(), true)) {
                Probes.awaitServing(kafka.bootstrapServers(), collector, config.ticksTopic(), 2, T0);

                // ---- the models topic: offsets 0 and 1 hold v1 and v2, the hostile records follow in this order ----
                Map<Long, String> modelCases = new LinkedHashMap<>();
                List<ProducerRecord<byte[], byte[]>> modelRecords = new ArrayList<>();
                Instant issued = Instant.now();
                addModelCase(
                        modelCases,
                        modelRecords,
                        "UNDECODABLE",
                        model(config, "default", concat(header(models.encode(v1)), PAST_2POW31)));
                addModelCase(
                        modelCases,
                        modelRecords,
                        "does not fit",
                        model(config, "default", concat(header(models.encode(v1)), NEAR_2POW31)));
                ModelUpdate overflowing = ModelUpdate.newBuilder(
                                E2eData.randomModel("default", 3, CellType.SIMPLE_RNN, new int[] {4}, 3L))
                        .setHiddenSizes(List.of(65_536))
                        .build();
                addModelCase(
                        modelCases,
                        modelRecords,
                        "SHAPE: hidden sizes [65536]",
                        model(config, "default", models.encode(signed(overflowing))));
                addModelCase(
                        modelCases,
                        modelRecords,
                        "VERSION: version 9223372036854775807",
                        model(
                                config,
                                "default",
                                models.encode(signed(ModelUpdate.newBuilder(
                                                E2eData.randomModel("default", 4, CellType.LSTM, new int[] {6}, 4L))
                                        .setVersion(Long.MAX_VALUE)
                                        .build()))));
                addModelCase(
                        modelCases,
                        modelRecords,
                        "NOT_FINITE: weight 0 of",
                        model(config, "default", models.encode(signed(huge(3)))));
                ModelUpdate infiniteClip = E2eData.randomModel("default", 3, CellType.LSTM, new int[] {6}, 5L);
                infiniteClip.setFeatures(FeatureSpec.newBuilder(infiniteClip.getFeatures())
                        .setClip(Double.POSITIVE_INFINITY)
                        .build());
                addModelCase(
                        modelCases,
                        modelRecords,
                        "FEATURES: feature clip",
                        model(config, "default", models.encode(signed(infiniteClip))));
                addModelCase(
                        modelCases,
                        modelRecords,
                        "SIGNATURE: model v3 is not signed",
                        model(
                                config,
                                "default",
                                models.encode(E2eData.randomModel("default", 3, CellType.LSTM, new int[] {6}, 6L))));
                ModelControl pinV1 = control(ModelAction.PIN, 1, issued);
                addModelCase(
                        modelCases,
                        modelRecords,
                        "SIGNATURE: PIN control is not signed",
                        model(config, "default#control", controls.encode(pinV1)));
                ModelControl signedPin = ModelSigning.sign(pinV1, key.getPrivate(), key.getPublic());
                addModelCase(
                        modelCases,
                        modelRecords,
                        null,
                        model(config, "default#control", controls.encode(signedPin))); // the operator's rollback
                addModelCase(
                        modelCases,
                        modelRecords,
                        null,
                        model(
                                config,
                                "default#control",
                                controls.encode(ModelSigning.sign(
                                        control(ModelAction.UNPIN, 0, issued.plusSeconds(1)),
                                        key.getPrivate(),
                                        key.getPublic())))); // and its undo
                addModelCase(
                        modelCases,
                        modelRecords,
                        "REPLAY: PIN",
                        model(config, "default#control", controls.encode(signedPin)));
                addModelCase(
                        modelCases,
                        modelRecords,
                        "LINE: model of model line 'canary', which this job routes no symbols to",
                        model(
                                config,
                                "canary",
                                models.encode(
                                        signed(E2eData.randomModel("canary", 100, CellType.LSTM, new int[] {6}, 7L)))));
                ModelUpdate retimedV1 = ModelUpdate.newBuilder(v1)
                        .setEffectiveTime(Instant.parse("2100-01-01T00:00:00Z"))
                        .build();
                addModelCase(
                        modelCases,
                        modelRecords,
                        "VERSION: version 1 is not newer",
                        model(config, "default", models.encode(retimedV1)));
                addModelCase(modelCases, modelRecords, "tombstone", model(config, "default", null));
                addModelCase(
                        modelCases,
                        modelRecords,
                        "is not a model line name",
                        new ProducerRecord<>(config.modelsTopic(), new byte[600 * 1024], models.encode(v2)));
                addModelCase(modelCases, modelRecords, "NOT_AVRO", model(config, "default", "not a model".getBytes()));
                KafkaIo.produce(kafka.bootstrapServers(), bigRequests, modelRecords);
                long modelRefusals =
                        modelCases.values().stream().filter(v -> v != null).count();
                KafkaIo.readCommitted(
                        kafka.bootstrapServers(),
                        config.deadLettersTopic(),
                        Duration.ofMinutes(2),
                        all -> all.size() >= modelRefusals);
                // Every subtask has applied the pin, the unpin and the refusals once both serve v2 again.
                Probes.awaitServing(
                        kafka.bootstrapServers(), collector, config.ticksTopic(), 2, T0.plusSeconds(50_000));

                // ---- the ticks topic: poison records, then symbols the poison must not black out, then good ones ----
                Map<String, String> tickCases = new LinkedHashMap<>();
                List<ProducerRecord<byte[], byte[]>> tickRecords = new ArrayList<>();
                byte[] tickHeader = header(ticks.encode(tick("X", T0, 1)));
                addTickCase(
                        tickCases,
                        tickRecords,
                        config,
                        "len-past-2^31",
                        "UNDECODABLE",
                        concat(tickHeader, PAST_2POW31));
                addTickCase(
                        tickCases,
                        tickRecords,
                        config,
                        "len-near-2^31",
                        "UNDECODABLE",
                        concat(tickHeader, NEAR_2POW31));
                byte[] nearOneMiB = new byte[(1 << 20) - 100];
                new Random(3).nextBytes(nearOneMiB);
                nearOneMiB[0] = 0x11;
                addTickCase(tickCases, tickRecords, config, "near-1MiB", "NOT_AVRO", nearOneMiB);
                addTickCase(
                        tickCases,
                        tickRecords,
                        config,
                        "FUTURE",
                        "BAD_TIME",
                        ticks.encode(tick("FUTURE", Instant.now().plus(Duration.ofHours(23)), 10)));
                addTickCase(
                        tickCases,
                        tickRecords,
                        config,
                        "HUGE",
                        "BAD_PRICE",
                        ticks.encode(tick("HUGE", T0.plusSeconds(2), 1e200)));
                String[] lookalikes = {"AC\u0000ME", "AC\u202eME", "ACME "};
                for (int i = 0; i < lookalikes.length; i++) {
                    addTickCase(
                            tickCases,
                            tickRecords,
                            config,
                            "lookalike-" + i,
                            "BAD_SYMBOL",
                            ticks.encode(tick(lookalikes[i], T0, 10)));
                }
                byte[] hugeKey = new byte[600 * 1024];
                tickRecords.add(new ProducerRecord<>(
                        config.ticksTopic(), hugeKey, Arrays.copyOf(ticks.encode(tick("BIGKEY", T0, 10)), 500 * 1024)));
                for (int i = 0; i < 3; i++) { // after the poison: real ticks of FUTURE and HUGE still forecast
                    tickRecords.add(tickRecord(config, tick("FUTURE", T0.plusSeconds(10 + i), 10 + i)));
                    tickRecords.add(tickRecord(config, tick("HUGE", T0.plusSeconds(i == 0 ? 1 : 10 + i), 100 + i)));
                }
                int goodTicks = 0;
                for (int i = 0; i < 30; i++) {
                    for (int s = 0; s < 10; s++) {
                        tickRecords.add(tickRecord(config, tick("GOOD-" + s, T0.plusSeconds(i), 50 + s + Math.sin(i))));
                        goodTicks++;
                    }
                }
                KafkaIo.produce(kafka.bootstrapServers(), bigRequests, tickRecords);

                long expectedDeadLetters = modelRefusals + tickCases.size() + 1;
                List<DeadLetter> deadLetters = new ArrayList<>();
                List<ConsumerRecord<byte[], byte[]>> raw = KafkaIo.readCommitted(
                        kafka.bootstrapServers(),
                        config.deadLettersTopic(),
                        Duration.ofMinutes(2),
                        all -> all.size() >= expectedDeadLetters);
                WireCodec<DeadLetter> letters = WireCodec.of(DeadLetter.class);
                for (ConsumerRecord<byte[], byte[]> r : raw) {
                    deadLetters.add(letters.decode(r.value()));
                    assertThat(r.serializedValueSize())
                            .as("a dead letter stays far below 1 MiB")
                            .isLessThan(100 * 1024);
                }
                KafkaIo.await(
                        () -> collector.count(f -> f.getSymbol().startsWith("GOOD-")) >= 300
                                && collector.count(f -> f.getSymbol().equals("FUTURE")
                                                || f.getSymbol().equals("HUGE"))
                                        >= 6,
                        Duration.ofMinutes(2),
                        "the good ticks' forecasts");
                Probes.awaitServing(
                        kafka.bootstrapServers(), collector, config.ticksTopic(), 2, T0.plusSeconds(100_000));

                assertThat(flink.restarts(job.getJobID().toString()))
                        .as("numRestarts")
                        .isZero();
                assertThat(job.getJobStatus().get().isTerminalState()).isFalse();
                System.out.printf(
                        "poison e2e: %d dead letters: %s%n",
                        deadLetters.size(),
                        deadLetters.stream()
                                .map(d -> d.getReason() + "@" + d.getSourceTopic() + ":" + d.getSourceOffset())
                                .toList());
                assertThat(deadLetters).hasSize((int) expectedDeadLetters);

                modelCases.forEach((offset, detail) -> {
                    List<DeadLetter> at = deadLetters.stream()
                            .filter(d -> d.getSourceTopic().equals(config.modelsTopic())
                                    && d.getSourceOffset() == offset.longValue())
                            .toList();
                    if (detail == null) {
                        assertThat(at)
                                .as("models offset %d is applied, not refused", offset)
                                .isEmpty();
                    } else {
                        assertThat(at)
                                .as("models offset %d", offset)
                                .singleElement()
                                .satisfies(d -> {
                                    assertThat(d.getReason()).isEqualTo("MODEL_REJECTED");
                                    assertThat(d.getDetail()).contains(detail);
                                });
                    }
                });
                tickCases.forEach((caseKey, reason) -> assertThat(deadLetters.stream()
                                .filter(d -> d.getKey() != null && new String(bytes(d.getKey())).equals(caseKey))
                                .toList())
                        .as("tick case %s", caseKey)
                        .singleElement()
                        .extracting(DeadLetter::getReason)
                        .isEqualTo(reason));
                assertThat(deadLetters)
                        .filteredOn(d ->
                                d.getKeyLength() != null && d.getSourceTopic().equals(config.ticksTopic()))
                        .singleElement()
                        .satisfies(d -> {
                            assertThat(d.getReason()).isEqualTo("OVERSIZED");
                            assertThat(d.getKeyLength()).isEqualTo(600 * 1024L);
                            assertThat(bytes(d.getKeySha256())).isEqualTo(Weights.sha256(ByteBuffer.wrap(hugeKey)));
                        });
                assertThat(deadLetters)
                        .filteredOn(d -> "near-1MiB".equals(d.getKey() == null ? null : new String(bytes(d.getKey()))))
                        .singleElement()
                        .extracting(DeadLetter::getValueLength)
                        .isEqualTo((long) nearOneMiB.length);

                List<Forecast> good = collector.forecasts().stream()
                        .filter(f -> f.getSymbol().startsWith("GOOD-"))
                        .toList();
                assertThat(good).hasSize(goodTicks);
                assertThat(good)
                        .filteredOn(f -> !f.getEventTime().equals(T0))
                        .allSatisfy(f -> assertThat(f.getModelVersion()).isEqualTo(2));
                assertThat(collector.count(f -> f.getSymbol().equals("FUTURE")))
                        .as("FUTURE is not blacked out by its 23 h tick")
                        .isEqualTo(3);
                assertThat(collector.count(f -> f.getSymbol().equals("HUGE"))).isEqualTo(3);
                WireCodec<Evaluation> evaluations = WireCodec.of(Evaluation.class);
                List<Evaluation> huge = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : KafkaIo.readCommitted(
                        kafka.bootstrapServers(),
                        config.evaluationsTopic(),
                        Duration.ofSeconds(30),
                        all -> all.size() >= 290 + 4)) { // GOOD: 29 per symbol; FUTURE, HUGE: 2 each
                    Evaluation e = evaluations.decode(r.value());
                    if (e.getSymbol().equals("HUGE")) {
                        huge.add(e);
                    }
                }
                assertThat(huge)
                        .hasSize(2)
                        .allSatisfy(e -> assertThat(List.of(e.getRmse(), e.getSkill(), e.getMae()))
                                .allMatch(Double::isFinite));
            } finally {
                job.cancel().get();
            }
        }
    }

    private ModelUpdate signed(ModelUpdate model) {
        return ModelSigning.sign(model, key.getPrivate(), key.getPublic());
    }

    /** A model whose every weight is 3e38: finite, absurd. */
    private static ModelUpdate huge(long version) {
        ModelUpdate template = E2eData.randomModel("default", version, CellType.LSTM, new int[] {6}, version);
        float[] weights = Weights.fromBytes(template.getWeights());
        Arrays.fill(weights, 3e38f);
        return ModelFile.build(
                "default",
                version,
                CellType.LSTM,
                new int[] {6},
                template.getFeatures(),
                weights,
                null,
                null,
                template.getCreatedAt());
    }

    private static ModelControl control(ModelAction action, long version, Instant issuedAt) {
        return ModelControl.newBuilder()
                .setModelName("default")
                .setAction(action)
                .setVersion(version)
                .setIssuedAt(issuedAt)
                .build();
    }

    private static Tick tick(String symbol, Instant time, double price) {
        return Tick.newBuilder()
                .setSymbol(symbol)
                .setEventTime(time)
                .setPrice(price)
                .setVolume(null)
                .build();
    }

    private ProducerRecord<byte[], byte[]> tickRecord(JobConfig config, Tick t) {
        return new ProducerRecord<>(config.ticksTopic(), WireCodec.key(t.getSymbol()), ticks.encode(t));
    }

    private static ProducerRecord<byte[], byte[]> model(JobConfig config, String key, byte[] value) {
        return new ProducerRecord<>(config.modelsTopic(), WireCodec.key(key), value);
    }

    /** Records the expected refusal (null: applied) at the offset the record will get: v1 and v2 hold 0 and 1. */
    private static void addModelCase(
            Map<Long, String> cases,
            List<ProducerRecord<byte[], byte[]>> records,
            String detail,
            ProducerRecord<byte[], byte[]> record) {
        cases.put(2L + records.size(), detail);
        records.add(record);
    }

    private static void addTickCase(
            Map<String, String> cases,
            List<ProducerRecord<byte[], byte[]>> records,
            JobConfig config,
            String caseKey,
            String reason,
            byte[] value) {
        cases.put(caseKey, reason);
        records.add(new ProducerRecord<>(config.ticksTopic(), WireCodec.key(caseKey), value));
    }

    /** The 10-byte single-object header (marker and fingerprint) of an encoded value. */
    private static byte[] header(byte[] encoded) {
        return Arrays.copyOf(encoded, 10);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
