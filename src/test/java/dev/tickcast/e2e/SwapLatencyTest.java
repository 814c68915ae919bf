package dev.tickcast.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.ModelDecoder;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Measures (prints, does not assert on time) the swap latency: from a ModelUpdate acknowledged by the
 * broker to the first forecast stamped with its version, seen by a consumer, while ticks flow at a
 * steady rate. At-least-once delivery, so forecasts are visible as soon as they are written (with
 * exactly-once they wait for the next checkpoint, which adds up to --checkpoint-interval).
 */
class SwapLatencyTest {

    private static final int SWAPS = 12;
    private static final int SYMBOLS = 20;
    private static final int TICKS_PER_SECOND = 1000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void swapLatencyAtASteadyTickRate() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = JobConfig.fromArgs(
                    "--bootstrap",
                    kafka.bootstrapServers(),
                    "--topic.ticks",
                    "lat.ticks",
                    "--topic.forecasts",
                    "lat.forecasts",
                    "--topic.evaluations",
                    "lat.evaluations",
                    "--topic.models",
                    "lat.models",
                    "--topic.deadletters",
                    "lat.deadletters",
                    "--parallelism",
                    "2",
                    "--checkpoint-interval",
                    "1 s",
                    "--delivery",
                    "at-least-once",
                    "--starting-offsets",
                    "earliest");
            kafka.createTopics(
                    2,
                    config.ticksTopic(),
                    config.forecastsTopic(),
                    config.evaluationsTopic(),
                    config.deadLettersTopic());
            kafka.createTopics(1, Map.of("cleanup.policy", "compact"), config.modelsTopic());
            JobClient job = JobRunner.start(config, new Configuration(), List.of(), "swap-latency");
            AtomicBoolean ticking = new AtomicBoolean(true);
            Thread feeder = new Thread(() -> feed(kafka.bootstrapServers(), config.ticksTopic(), ticking), "feeder");
            List<Double> latenciesMs = new ArrayList<>();
            try (ForecastCollector collector =
                            new ForecastCollector(kafka.bootstrapServers(), config.forecastsTopic(), false);
                    KafkaProducer<byte[], byte[]> models = producer(kafka.bootstrapServers())) {
                feeder.start();
                KafkaIo.await(
                        () -> collector.count(f -> true) > 2000, java.time.Duration.ofMinutes(1), "ticks flowing");
                WireCodec<ModelUpdate> codec = WireCodec.of(ModelUpdate.class, ModelDecoder.MAX_MODEL_BYTES);
                for (int version = 1; version <= SWAPS; version++) {
                    ModelUpdate model = E2eData.randomModel("default", version, CellType.LSTM, new int[] {32}, version);
                    models.send(new ProducerRecord<>(
                                    config.modelsTopic(), WireCodec.key("default"), codec.encode(model)))
                            .get();
                    long written = System.nanoTime();
                    long v = version;
                    KafkaIo.await(
                            () -> collector.seen().stream()
                                    .anyMatch(s -> s.forecast().getModelVersion() == v),
                            java.time.Duration.ofMinutes(1),
                            "a forecast of v" + version);
                    long first = collector.seen().stream()
                            .filter(s -> s.forecast().getModelVersion() == v)
                            .mapToLong(ForecastCollector.Seen::seenAtNanos)
                            .min()
                            .orElseThrow();
                    latenciesMs.add((first - written) / 1e6);
                    Thread.sleep(300);
                }
            } finally {
                ticking.set(false);
                feeder.join(5000);
                job.cancel().get();
            }
            List<Double> sorted = latenciesMs.stream().sorted().toList();
            System.out.printf(
                    "swap latency over %d swaps at ~%d ticks/s (%d symbols, LSTM-32, at-least-once): median %.1f ms, max %.1f ms, all %s%n",
                    SWAPS,
                    TICKS_PER_SECOND,
                    SYMBOLS,
                    sorted.get(sorted.size() / 2),
                    sorted.get(sorted.size() - 1),
                    latenciesMs.stream().map(d -> String.format("%.0f", d)).toList());
            assertThat(latenciesMs).hasSize(SWAPS);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "0");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Ticks for SYMBOLS symbols at a steady rate until told to stop. */
    private static void feed(String bootstrap, String topic, AtomicBoolean running) {
        WireCodec<Tick> codec = WireCodec.of(Tick.class);
        Instant t0 = Instant.parse("2024-01-01T00:00:00Z");
        double[] prices = new double[SYMBOLS];
        java.util.Arrays.fill(prices, 100);
        java.util.Random random = new java.util.Random(1);
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            long i = 0;
            long start = System.nanoTime();
            while (running.get()) {
                int s = (int) (i % SYMBOLS);
                prices[s] *= Math.exp(0.001 * random.nextGaussian());
                Tick t = Tick.newBuilder()
                        .setSymbol("S" + s)
                        .setEventTime(t0.plusMillis(i))
                        .setPrice(prices[s])
                        .setVolume(1.0)
                        .build();
                producer.send(new ProducerRecord<>(topic, WireCodec.key(t.getSymbol()), codec.encode(t)));
                i++;
                long due = start + i * 1_000_000_000L / TICKS_PER_SECOND;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
        }
    }
}
