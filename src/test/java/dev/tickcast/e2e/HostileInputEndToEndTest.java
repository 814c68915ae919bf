package dev.tickcast.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.job.JobConfig;
import dev.tickcast.model.data.TickRejection;
import dev.tickcast.model.data.TickRules;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.ForecastState;
import dev.tickcast.model.forecast.SymbolForecaster;
import dev.tickcast.model.forecast.TickOrder;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import dev.tickcast.schema.wire.WireException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Over 100,000 generated and mutated records thrown at the job through a real broker: random bytes,
 * truncated and bit-flipped Avro, valid Avro of other schemas, NaN/∞/0/negative prices, empty and 10 KB
 * symbols, timestamps at the ends of the long range, values over the size limit, empty values, a flood of
 * one symbol, duplicates, reversed order. The job must stay up and account for every record: forecasts +
 * dead letters = records in, per reason as an independent sequential reading of the same records says,
 * and every valid tick forecast.
 */
class HostileInputEndToEndTest {

    private static final int MAX_RECORD_BYTES = 64 * 1024;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private final Random random = new Random(20261126L);
    private final WireCodec<Tick> ticks = WireCodec.of(Tick.class);
    private final Instant t0 = Instant.parse("2015-01-01T00:00:00Z");

    @Test
    void everyHostileRecordIsAccountedForAndTheJobStaysUp() throws Exception {
        List<byte[]> values = generate();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = JobConfig.fromArgs(
                    "--bootstrap",
                    kafka.bootstrapServers(),
                    "--topic.ticks",
                    "fuzz.ticks",
                    "--topic.forecasts",
                    "fuzz.forecasts",
                    "--topic.evaluations",
                    "fuzz.evaluations",
                    "--topic.models",
                    "fuzz.models",
                    "--topic.deadletters",
                    "fuzz.deadletters",
                    "--parallelism",
                    "2",
                    "--checkpoint-interval",
                    "1 s",
                    "--starting-offsets",
                    "earliest",
                    "--transactional-id-prefix",
                    "fuzz",
                    "--max-record-bytes",
                    String.valueOf(MAX_RECORD_BYTES));
            // One partition: a total order, so that a sequential reading is the exact reference even for
            // mutated records whose decoded symbol differs from their key.
            kafka.createTopics(1, config.ticksTopic(), config.modelsTopic());
            kafka.createTopics(2, config.forecastsTopic(), config.evaluationsTopic(), config.deadLettersTopic());

            Expected expected = expectedOutcome(values);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (byte[] v : values) {
                records.add(new ProducerRecord<>(config.ticksTopic(), WireCodec.key("k" + random.nextInt(50)), v));
            }
            KafkaIo.produce(kafka.bootstrapServers(), records);

            JobClient job = JobRunner.start(config, new Configuration(), List.of(), "fuzz");
            List<ConsumerRecord<byte[], byte[]>> forecasts;
            List<ConsumerRecord<byte[], byte[]>> deadLetters;
            try {
                forecasts = KafkaIo.readCommitted(
                        kafka.bootstrapServers(),
                        config.forecastsTopic(),
                        Duration.ofMinutes(4),
                        all -> all.size() >= expected.forecasts.size());
                deadLetters = KafkaIo.readCommitted(
                        kafka.bootstrapServers(),
                        config.deadLettersTopic(),
                        Duration.ofMinutes(2),
                        all -> all.size() >= expected.deadLetterCount());
                assertThat(job.getJobStatus().get().isTerminalState())
                        .as("the job is still running")
                        .isFalse();
            } finally {
                job.cancel().get();
            }

            Map<String, Long> reasons = new TreeMap<>();
            WireCodec<DeadLetter> dl = WireCodec.of(DeadLetter.class);
            for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
                reasons.merge(dl.decode(r.value()).getReason(), 1L, Long::sum);
            }
            List<String> forecastKeys = new ArrayList<>();
            WireCodec<Forecast> fc = WireCodec.of(Forecast.class);
            for (ConsumerRecord<byte[], byte[]> r : forecasts) {
                Forecast f = fc.decode(r.value());
                forecastKeys.add(f.getSymbol() + "|" + f.getEventTime().toEpochMilli() + "|" + f.getLastPrice());
            }
            System.out.printf(
                    "fuzz: %,d records in -> %,d forecasts + %,d dead letters %s%n",
                    values.size(), forecasts.size(), deadLetters.size(), reasons);
            assertThat(reasons).isEqualTo(expected.reasons);
            assertThat(forecastKeys).containsExactlyInAnyOrderElementsOf(expected.forecasts);
            assertThat(forecasts.size() + deadLetters.size()).isEqualTo(values.size());
            assertThat(forecastKeys).containsAll(expected.validGenerated);
        }
    }

    /** What a careful sequential reader of the records concludes, with the project's codec and tick rules. */
    private record Expected(Map<String, Long> reasons, List<String> forecasts, List<String> validGenerated) {
        long deadLetterCount() {
            return reasons.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private Expected expectedOutcome(List<byte[]> values) {
        WireCodec<Tick> codec = WireCodec.of(Tick.class, MAX_RECORD_BYTES);
        SymbolForecaster naive = new SymbolForecaster(ForecastSettings.DEFAULTS);
        Map<String, ForecastState> states = new HashMap<>();
        Map<String, Long> reasons = new TreeMap<>();
        List<String> forecasts = new ArrayList<>();
        long latest = System.currentTimeMillis()
                + JobConfig.defaults().futureTolerance().toMillis();
        for (byte[] v : values) {
            Tick t;
            try {
                t = codec.decode(v);
            } catch (WireException e) {
                reasons.merge(e.reason().name(), 1L, Long::sum);
                continue;
            }
            long ms = t.getEventTime().toEpochMilli();
            TickRejection r = TickRules.checkFields(t.getSymbol(), ms, t.getPrice(), t.getVolume(), latest);
            if (r == null) {
                ForecastState state = states.computeIfAbsent(t.getSymbol(), s -> naive.newState());
                r = TickOrder.check(state, ms, t.getPrice(), t.getVolume());
                if (r == null) {
                    naive.onTick(state, null, t.getSymbol(), ms, t.getPrice(), t.getVolume());
                    forecasts.add(t.getSymbol() + "|" + ms + "|" + t.getPrice());
                    continue;
                }
            }
            reasons.merge(r.reason().name(), 1L, Long::sum);
        }
        return new Expected(reasons, forecasts, validGenerated);
    }

    private final List<String> validGenerated = new ArrayList<>();

    /** The hostile feed: about 100,500 values, shuffled only where order does not define the case. */
    private List<byte[]> generate() {
        List<byte[]> out = new ArrayList<>();
        int symbols = 200;
        double[] price = new double[symbols];
        long[] time = new long[symbols];
        Arrays.fill(price, 100);
        List<Tick> sent = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            int s = random.nextInt(symbols);
            price[s] *= Math.exp(0.001 * random.nextGaussian());
            time[s] += 1 + random.nextInt(5000);
            Tick t = tick("SYM" + s, time[s], price[s], random.nextBoolean() ? null : random.nextDouble() * 10);
            out.add(ticks.encode(t));
            sent.add(t);
            validGenerated.add(t.getSymbol() + "|" + t.getEventTime().toEpochMilli() + "|" + t.getPrice());
            int kind = random.nextInt(20);
            if (kind == 0) { // an exact duplicate right after
                out.add(ticks.encode(t));
            } else if (kind == 1) { // older than this symbol's last tick
                out.add(ticks.encode(tick(t.getSymbol(), time[s] - 1 - random.nextInt(1000), price[s], null)));
            }
        }
        double flood = 50;
        for (int i = 0; i < 15_000; i++) { // a flood of one symbol
            flood *= Math.exp(0.0005 * random.nextGaussian());
            Tick t = tick("FLOOD", i, flood, 1.0);
            out.add(ticks.encode(t));
            validGenerated.add(t.getSymbol() + "|" + t.getEventTime().toEpochMilli() + "|" + t.getPrice());
        }
        for (int i = 0; i < 10_000; i++) { // random bytes
            byte[] b = new byte[1 + random.nextInt(60)];
            random.nextBytes(b);
            out.add(b);
        }
        for (int i = 0; i < 8_000; i++) { // truncated Avro
            byte[] good = ticks.encode(sent.get(random.nextInt(sent.size())));
            out.add(Arrays.copyOf(good, random.nextInt(good.length)));
        }
        for (int i = 0; i < 8_000; i++) { // bit-flipped Avro
            byte[] b = ticks.encode(sent.get(random.nextInt(sent.size())));
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
            }
            out.add(b);
        }
        WireCodec<Forecast> forecasts = WireCodec.of(Forecast.class);
        WireCodec<Evaluation> evaluations = WireCodec.of(Evaluation.class);
        for (int i = 0; i < 5_000; i++) { // valid Avro of other schemas
            out.add(
                    i % 2 == 0
                            ? forecasts.encode(Forecast.newBuilder()
                                    .setSymbol("SYM1")
                                    .setEventTime(t0)
                                    .setLastPrice(1)
                                    .setForecastPrice(1)
                                    .setForecastLogReturn(0)
                                    .setIntervalLow(1)
                                    .setIntervalHigh(1)
                                    .setModelVersion(0)
                                    .build())
                            : evaluations.encode(Evaluation.newBuilder()
                                    .setSymbol("SYM1")
                                    .setForecastTime(t0)
                                    .setActualTime(t0)
                                    .setActualPrice(1)
                                    .setForecastPrice(1)
                                    .setNaivePrice(1)
                                    .setModelVersion(0)
                                    .setError(0)
                                    .setNaiveError(0)
                                    .setCount(1)
                                    .setMae(0)
                                    .setRmse(0)
                                    .setNaiveMae(0)
                                    .setNaiveRmse(0)
                                    .setSkill(0)
                                    .build()));
        }
        double[] badPrices = {
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, -1.5, -Double.MAX_VALUE
        };
        for (int i = 0; i < 5_000; i++) {
            out.add(ticks.encode(tick("BAD" + i, 1, badPrices[i % badPrices.length], null)));
        }
        for (int i = 0; i < 2_000; i++) { // empty and 10 KB symbols
            out.add(ticks.encode(tick(i % 2 == 0 ? "" : "X".repeat(10_000), 1, 10, null)));
        }
        long[] badTimes = {Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, -2_208_988_800_001L};
        for (int i = 0; i < 2_000; i++) {
            out.add(ticks.encode(Tick.newBuilder()
                    .setSymbol("T" + i)
                    .setEventTime(Instant.ofEpochMilli(badTimes[i % badTimes.length]))
                    .setPrice(10)
                    .setVolume(null)
                    .build()));
        }
        for (int i = 0; i < 1_000; i++) {
            out.add(ticks.encode(tick("VOL" + i, 1, 10, i % 2 == 0 ? -1.0 : Double.NaN)));
        }
        for (int i = 0; i < 500; i++) { // over the size limit
            out.add(new byte[MAX_RECORD_BYTES + 1 + random.nextInt(50_000)]);
        }
        for (int i = 0; i < 500; i++) {
            out.add(i % 2 == 0 ? new byte[0] : null);
        }
        assertThat(out.size()).isGreaterThanOrEqualTo(100_000);
        return out;
    }

    private Tick tick(String symbol, long offsetMs, double price, Double volume) {
        return Tick.newBuilder()
                .setSymbol(symbol)
                .setEventTime(t0.plusMillis(offsetMs))
                .setPrice(price)
                .setVolume(volume)
                .build();
    }
}
