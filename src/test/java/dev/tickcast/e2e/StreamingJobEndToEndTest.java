package dev.tickcast.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.job.ForecastJob;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.TickcastJob;
import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The streaming job end to end: a real Kafka broker (KRaft, 127.0.0.1) in this JVM, the job on Flink's
 * MiniCluster at parallelism 2 with exactly-once sinks, the bundled real data replayed into the ticks
 * topic with corrupt records of every kind mixed in, and the output read back with read_committed.
 */
class StreamingJobEndToEndTest {

    private static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(PARALLELISM)
            .build());

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyValidTickGetsExactlyOneForecastEqualToTheBacktestAndEveryBadRecordADeadLetter() throws Exception {
        JobConfig config = JobConfig.fromArgs(
                "--bootstrap",
                kafka.bootstrapServers(),
                "--topic.ticks",
                "e2e.ticks",
                "--topic.forecasts",
                "e2e.forecasts",
                "--topic.evaluations",
                "e2e.evaluations",
                "--topic.models",
                "e2e.models",
                "--topic.deadletters",
                "e2e.deadletters",
                "--parallelism",
                String.valueOf(PARALLELISM),
                "--checkpoint-interval",
                "1 s",
                "--starting-offsets",
                "earliest",
                "--transactional-id-prefix",
                "e2e",
                "--model-line",
                "e2e");
        kafka.createTopics(3, config.ticksTopic());
        kafka.createTopics(2, config.forecastsTopic(), config.evaluationsTopic(), config.deadLettersTopic());
        kafka.createTopics(1, config.modelsTopic());

        List<Tick> ticks = BundledData.read().ticks();
        ModelUpdate modelUpdate = E2eData.randomModel("e2e", 1, CellType.LSTM, new int[] {16}, ticks.size());
        Map<String, Long> expectedDeadLetters = new TreeMap<>();
        List<ProducerRecord<byte[], byte[]>> records =
                withCorruptRecords(config.ticksTopic(), ticks, expectedDeadLetters);

        // What the job must produce: the backtest over the same ticks with the same model.
        Map<String, List<String>> expected = new HashMap<>();
        Backtest.Summary offline = Backtest.run(
                Model.verify(modelUpdate),
                ticks,
                ForecastSettings.DEFAULTS,
                s -> Long.MIN_VALUE,
                (t, f) -> expected.computeIfAbsent(f.getSymbol(), s -> new ArrayList<>())
                        .add(E2eData.describe(f)));
        expectedDeadLetters.merge("DUPLICATE", offline.rejected().getOrDefault("DUPLICATE", 0L), Long::sum);
        long expectedForecasts = offline.forecasts();
        assertThat(expectedForecasts).isEqualTo(107_951 - 1_973);

        KafkaIo.produce(kafka.bootstrapServers(), records);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        TickcastJob.configure(env, config);
        byte[] initialModel = ModelRecords.modelCodec().encode(modelUpdate);
        ForecastJob.onKafka(config).initialModels(List.of(initialModel)).build().attach(env);
        JobClient job = env.executeAsync("tickcast-e2e");
        List<ConsumerRecord<byte[], byte[]>> forecasts;
        List<ConsumerRecord<byte[], byte[]>> deadLetters;
        List<ConsumerRecord<byte[], byte[]>> evaluations;
        try {
            forecasts = KafkaIo.readCommitted(
                    kafka.bootstrapServers(),
                    config.forecastsTopic(),
                    Duration.ofMinutes(5),
                    all -> all.size() >= expectedForecasts);
            long expectedDeadLetterCount = expectedDeadLetters.values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            deadLetters = KafkaIo.readCommitted(
                    kafka.bootstrapServers(),
                    config.deadLettersTopic(),
                    Duration.ofMinutes(1),
                    all -> all.size() >= expectedDeadLetterCount);
            evaluations = KafkaIo.readCommitted(
                    kafka.bootstrapServers(),
                    config.evaluationsTopic(),
                    Duration.ofMinutes(1),
                    all -> all.size() >= expectedForecasts - expected.size());
            // Let a few more checkpoints commit, then read again: nothing may arrive twice.
            Thread.sleep(3000);
            forecasts = KafkaIo.readCommitted(
                    kafka.bootstrapServers(),
                    config.forecastsTopic(),
                    Duration.ofSeconds(20),
                    all -> all.size() > expectedForecasts);
        } finally {
            job.cancel().get();
        }

        // Every forecast decodes with the schema file and Avro's stock decoder; per symbol they equal the backtest
        // exactly.
        BinaryMessageDecoder<GenericRecord> stock = stockDecoder("Forecast");
        Map<String, List<String>> actual = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : forecasts) {
            GenericRecord f = stock.decode(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .isEqualTo(f.get("symbol").toString());
            actual.computeIfAbsent(f.get("symbol").toString(), s -> new ArrayList<>())
                    .add(describeGeneric(f));
        }
        assertThat(forecasts).hasSize((int) expectedForecasts);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (String symbol : expected.keySet()) {
            assertThat(actual.get(symbol))
                    .as("forecasts of %s, in order", symbol)
                    .containsExactlyElementsOf(expected.get(symbol));
        }

        Map<String, Long> deadLetterReasons = new TreeMap<>();
        WireCodec<DeadLetter> dlCodec = WireCodec.of(DeadLetter.class);
        for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
            DeadLetter d = dlCodec.decode(r.value());
            deadLetterReasons.merge(d.getReason(), 1L, Long::sum);
            assertThat(d.getSourceTopic()).isEqualTo(config.ticksTopic());
            assertThat(d.getSourceOffset()).isNotNull();
        }
        assertThat(deadLetterReasons).isEqualTo(expectedDeadLetters);
        assertThat(evaluations).hasSize((int) (expectedForecasts - expected.size()));
        System.out.printf(
                "e2e: %d records in, %d forecasts, %d evaluations, dead letters %s%n",
                records.size(), forecasts.size(), evaluations.size(), deadLetterReasons);
        // Reconciliation: records in = forecasts + dead letters.
        assertThat(forecasts.size() + deadLetters.size()).isEqualTo(records.size());
    }

    private static String describeGeneric(GenericRecord f) {
        return f.get("event_time") + " " + f.get("last_price") + " " + f.get("forecast_price") + " "
                + f.get("forecast_log_return")
                + " [" + f.get("interval_low") + ", " + f.get("interval_high") + "] v" + f.get("model_version") + " "
                + f.get("cell_type") + " " + f.get("model_log_return") + " w" + f.get("guard_weight");
    }

    private static BinaryMessageDecoder<GenericRecord> stockDecoder(String name) throws Exception {
        Schema.Parser parser = new Schema.Parser();
        parser.parse(schemaFile("CellType"));
        return new BinaryMessageDecoder<>(GenericData.get(), parser.parse(schemaFile(name)));
    }

    private static File schemaFile(String name) {
        File f = new File("../schemas/avro/" + name + ".avsc");
        return f.isFile() ? f : new File("schemas/avro/" + name + ".avsc");
    }

    /**
     * The ticks in file order, keyed by symbol, with corrupt records of every kind spread through them;
     * records each expected dead-letter reason.
     */
    private static List<ProducerRecord<byte[], byte[]>> withCorruptRecords(
            String topic, List<Tick> ticks, Map<String, Long> expectedReasons) {
        WireCodec<Tick> codec = WireCodec.of(Tick.class);
        Tick sample = ticks.get(0);
        byte[] good = codec.encode(sample);
        Map<String, byte[]> corrupt = new LinkedHashMap<>();
        corrupt.put("NOT_AVRO", "BITSTAMP:BTCUSD,2013-11-25T00:00:00Z,812.5,".getBytes(StandardCharsets.UTF_8));
        corrupt.put("EMPTY", new byte[0]);
        corrupt.put("UNDECODABLE", java.util.Arrays.copyOf(good, good.length - 6));
        corrupt.put(
                "WRONG_SCHEMA",
                WireCodec.of(DeadLetter.class)
                        .encode(DeadLetter.newBuilder()
                                .setReason("X")
                                .setDetail("not a tick")
                                .setDetectedAt(Instant.EPOCH)
                                .build()));
        corrupt.put(
                "BAD_PRICE",
                codec.encode(Tick.newBuilder(sample).setPrice(Double.NaN).build()));
        corrupt.put(
                "BAD_SYMBOL", codec.encode(Tick.newBuilder(sample).setSymbol("").build()));
        corrupt.put(
                "BAD_VOLUME",
                codec.encode(Tick.newBuilder(sample).setVolume(-1.0).build()));
        corrupt.put(
                "BAD_TIME",
                codec.encode(Tick.newBuilder(sample)
                        .setEventTime(Instant.parse("2200-01-01T00:00:00Z"))
                        .build()));
        corrupt.put(
                "OUT_OF_ORDER",
                codec.encode(Tick.newBuilder()
                        .setSymbol("IDX:SPX")
                        .setEventTime(Instant.parse("1999-01-04T00:00:00Z"))
                        .setPrice(1000.0)
                        .setVolume(null)
                        .build()));

        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<Map.Entry<String, byte[]>> bad = new ArrayList<>(corrupt.entrySet());
        int every = ticks.size() / (bad.size() + 2);
        int next = 0;
        for (int i = 0; i < ticks.size(); i++) {
            Tick t = ticks.get(i);
            records.add(new ProducerRecord<>(topic, WireCodec.key(t.getSymbol()), codec.encode(t)));
            if (i > 0 && i % every == 0 && next < bad.size()) {
                Map.Entry<String, byte[]> b = bad.get(next++);
                String key = b.getKey().equals("OUT_OF_ORDER") ? "IDX:SPX" : t.getSymbol();
                records.add(new ProducerRecord<>(topic, WireCodec.key(key), b.getValue()));
                expectedReasons.merge(b.getKey(), 1L, Long::sum);
            }
        }
        // A record without a value at all.
        records.add(new ProducerRecord<>(topic, WireCodec.key("VISX:AAPL"), null));
        expectedReasons.merge("EMPTY", 1L, Long::sum);
        assertThat(next).isEqualTo(bad.size());
        return records;
    }
}
