package dev.tickcast.bench.job;

import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.job.ForecastJob;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.TickcastJob;
import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How long a live model swap takes: from a ModelUpdate acknowledged by the broker to the first forecast stamped with
 * its version, read by a consumer, while ticks flow at a steady rate (a real broker and a local Flink, at-least-once so
 * forecasts are visible as written; exactly-once adds up to one checkpoint interval). Prints the figures; run with
 * {@code java -cp <bench classpath> dev.tickcast.bench.job.SwapLatency [swaps]}.
 */
public final class SwapLatency {

    private static final int SYMBOLS = 20;
    private static final int TICKS_PER_SECOND = 1000;

    private SwapLatency() {}

    public static void main(String[] args) throws Exception {
        int swaps = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        List<Double> latenciesMs = run(swaps);
        List<Double> sorted = latenciesMs.stream().sorted().toList();
        System.out.printf(
                "swap latency over %d swaps at ~%d ticks/s (%d symbols, LSTM-32, at-least-once): median %.1f ms,"
                        + " max %.1f ms,"
                        + " all %s%n",
                swaps,
                TICKS_PER_SECOND,
                SYMBOLS,
                sorted.get(sorted.size() / 2),
                sorted.get(sorted.size() - 1),
                latenciesMs.stream().map(d -> String.format("%.0f", d)).toList());
    }

    static List<Double> run(int swaps) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = JobConfig.fromArgs(
                    "--bootstrap",
                    kafka.bootstrapServers(),
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
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration());
            TickcastJob.configure(env, config);
            ForecastJob.onKafka(config).build().attach(env);
            JobClient job = env.executeAsync("tickcast-swap-latency");
            AtomicBoolean ticking = new AtomicBoolean(true);
            Thread feeder = new Thread(() -> feed(kafka.bootstrapServers(), config.ticksTopic(), ticking), "feeder");
            List<Double> latenciesMs = new ArrayList<>();
            WireCodec<Forecast> forecasts = WireCodec.of(Forecast.class);
            WireCodec<ModelUpdate> models = ModelRecords.modelCodec();
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka.bootstrapServers(), config.forecastsTopic());
                    KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
                feeder.start();
                warmUp(consumer, forecasts, 2000, Duration.ofMinutes(1)); // ticks flow, the job is warm
                for (int version = 1; version <= swaps; version++) {
                    ModelUpdate model = ModelUpdate.newBuilder(JobBenchmarks.model(CellType.LSTM, 32, version))
                            .setVersion(version)
                            .build();
                    producer.send(new ProducerRecord<>(
                                    config.modelsTopic(), WireCodec.key("default"), models.encode(model)))
                            .get();
                    long written = System.nanoTime();
                    long seen = await(consumer, forecasts, version, Duration.ofMinutes(1));
                    latenciesMs.add((seen - written) / 1e6);
                    Thread.sleep(300);
                }
            } finally {
                ticking.set(false);
                feeder.join(5000);
                job.cancel().get();
            }
            return latenciesMs;
        }
    }

    /** Reads forecasts until {@code count} were read. */
    private static void warmUp(
            KafkaConsumer<byte[], byte[]> consumer, WireCodec<Forecast> codec, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int read = 0;
        while (read < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + read + " forecasts within " + timeout);
            }
            read += consumer.poll(Duration.ofMillis(50)).count();
        }
    }

    /** When the first forecast of {@code version} (or later) was read. */
    private static long await(
            KafkaConsumer<byte[], byte[]> consumer, WireCodec<Forecast> codec, long version, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(5))) {
                if (codec.decode(r.value()).getModelVersion() >= version) {
                    return System.nanoTime();
                }
            }
        }
        throw new IllegalStateException("no forecast of model v" + version + " within " + timeout);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.auto.commit", "false");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "0");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Ticks for {@link #SYMBOLS} symbols at a steady rate until told to stop. */
    private static void feed(String bootstrap, String topic, AtomicBoolean running) {
        WireCodec<Tick> codec = WireCodec.of(Tick.class);
        Instant t0 = Instant.parse("2024-01-01T00:00:00Z");
        double[] prices = new double[SYMBOLS];
        Arrays.fill(prices, 100);
        Random random = new Random(1);
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            long start = System.nanoTime();
            for (long i = 0; running.get(); i++) {
                int s = (int) (i % SYMBOLS);
                prices[s] *= Math.exp(0.001 * random.nextGaussian());
                Tick t = Tick.newBuilder()
                        .setSymbol("S" + s)
                        .setEventTime(t0.plusMillis(i))
                        .setPrice(prices[s])
                        .setVolume(1.0)
                        .build();
                producer.send(new ProducerRecord<>(topic, WireCodec.key(t.getSymbol()), codec.encode(t)));
                long wait = start + (i + 1) * 1_000_000_000L / TICKS_PER_SECOND - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
    }
}
