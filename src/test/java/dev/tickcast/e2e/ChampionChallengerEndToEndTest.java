package dev.tickcast.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.serving.ModelAdmission;
import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.ForecastState;
import dev.tickcast.model.forecast.ShadowForecaster;
import dev.tickcast.model.forecast.SymbolForecaster;
import dev.tickcast.model.testdata.TestModels;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelRole;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.internal.ModelEvent;
import dev.tickcast.schema.wire.WireCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
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
 * Champion and challenger through a real broker and the job on a MiniCluster (parallelism 2, exactly-once), deciding
 * on its own evidence. Ten mean-reverting series; champion v1 has random weights; challenger v2 knows the structure
 * (it is truly better) and starts at a fixed tick; the job's referee promotes it, with a delay that puts the promotion
 * at a tick the feed has not reached, so every subtask switches at that tick. Challenger v3 has random weights (truly
 * worse): mid-challenge the job stops with a savepoint and restarts, and the challenge resumes (its evidence and its
 * symbols carried over) until v3 is retired. Every forecast equals the per-tick code run with the same decisions, bit
 * for bit; then a second job replays the same feed against the same models topic and makes the same forecasts, the
 * promotion at the same tick.
 */
class ChampionChallengerEndToEndTest {

    private static final int PARALLELISM = 2;
    private static final int SYMBOLS = 10;
    private static final int TICKS = 3400;
    private static final int V2_FROM = 100;
    private static final int PHASE_A = 900;
    private static final double PHI = -0.5;
    private static final double SIGMA = 0.001;
    private static final Instant T0 = Instant.parse("2024-06-03T00:00:00Z");
    private static final Duration PROMOTION_DELAY = Duration.ofSeconds(1000);

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

    private static Instant time(int i) {
        return T0.plusSeconds(i);
    }

    private static JobConfig config(String run, String ticksTopic) {
        return JobConfig.fromArgs(
                "--bootstrap",
                kafka.bootstrapServers(),
                "--topic.ticks",
                ticksTopic,
                "--topic.forecasts",
                "cc." + run + ".forecasts",
                "--topic.evaluations",
                "cc." + run + ".evaluations",
                "--topic.models",
                "cc.models",
                "--topic.deadletters",
                "cc." + run + ".deadletters",
                "--parallelism",
                String.valueOf(PARALLELISM),
                "--checkpoint-interval",
                "500 ms",
                "--starting-offsets",
                "earliest",
                "--transactional-id-prefix",
                "cc-" + run,
                "--group.id",
                "cc-" + run,
                "--challenge-min-evaluations",
                "4000",
                "--challenge-min-symbols",
                "4",
                "--promotion-delay",
                PROMOTION_DELAY.toSeconds() + " s");
    }

    @Test
    void aBetterChallengerIsPromotedAtAFixedTickAWorseOneRetiredAndAReplayDoesTheSame() throws Exception {
        JobConfig live = config("live", "cc.ticks");
        JobConfig replay = config("replay", "cc.replay.ticks");
        kafka.createTopics(3, live.ticksTopic(), replay.ticksTopic());
        for (JobConfig c : List.of(live, replay)) {
            kafka.createTopics(2, c.forecastsTopic(), c.evaluationsTopic(), c.deadLettersTopic());
        }
        kafka.createTopics(1, Map.of("cleanup.policy", "compact"), live.modelsTopic());

        List<double[]> walks = new ArrayList<>();
        for (int s = 0; s < SYMBOLS; s++) {
            walks.add(TestModels.meanRevertingWalk(TICKS, PHI, SIGMA, 100 + s));
        }
        ModelUpdate v1 = E2eData.randomModel("default", 1, CellType.LSTM, new int[] {8}, 1L);
        ModelUpdate v2 = ModelUpdate.newBuilder(TestModels.meanReverting(2, PHI, SIGMA))
                .setModelName("default")
                .setRole(ModelRole.CHALLENGER)
                .setEffectiveTime(time(V2_FROM))
                .build();
        publish("default", ModelRecords.modelCodec().encode(v1));
        publish(
                ModelAdmission.challengerKey("default", 2),
                ModelRecords.modelCodec().encode(v2));

        JobClient job = JobRunner.start(live, new Configuration(), List.of(), "cc-live-1");
        ModelControl promote;
        ModelControl retire;
        int promotedAt;
        int end;
        List<Forecast> liveForecasts;
        try (ForecastCollector collector =
                new ForecastCollector(kafka.bootstrapServers(), live.forecastsTopic(), true)) {
            sendAndAwait(collector, live, walks, 0, PHASE_A);
            promote = awaitDecision(ModelAction.PROMOTE, 2);
            promotedAt = (int) Duration.between(T0, promote.getEffectiveTime()).toSeconds();
            assertThat(promotedAt).as("the promotion's tick, ahead of the feed").isGreaterThan(PHASE_A);
            assertThat(promote.getEvidence().getChampionVersion()).isEqualTo(1);
            assertThat(promote.getEvidence().getEvaluations()).isGreaterThanOrEqualTo(4000);
            assertThat(promote.getEvidence().getSymbols()).isBetween(4L, (long) SYMBOLS);
            assertThat(promote.getEvidence().getMeanLossDifference()).isPositive();
            assertThat(promote.getEvidence().getPValue())
                    .isLessThan(promote.getEvidence().getThreshold());
            awaitServing(collector, live, 2, promote.getEffectiveTime());

            int v3From = promotedAt + 100;
            ModelUpdate v3 = ModelUpdate.newBuilder(E2eData.randomModel("default", 3, CellType.LSTM, new int[] {8}, 3L))
                    .setRole(ModelRole.CHALLENGER)
                    .setEffectiveTime(time(v3From))
                    .build();
            publish(
                    ModelAdmission.challengerKey("default", 3),
                    ModelRecords.modelCodec().encode(v3));
            int cut = promotedAt + 400;
            end = promotedAt + 1300;
            assertThat(end).isLessThanOrEqualTo(TICKS);
            sendAndAwait(collector, live, walks, PHASE_A, cut);

            // Mid-challenge: v3 has under 3,000 evaluations, below the first look.
            String savepoint = job.stopWithSavepoint(
                            false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
            assertThat(decisions()).extracting(ModelControl::getVersion).doesNotContain(3L);
            Configuration restore = new Configuration();
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            job = JobRunner.start(live, restore, List.of(), "cc-live-2");
            sendAndAwait(collector, live, walks, cut, end);
            retire = awaitDecision(ModelAction.RETIRE, 3);
            job.cancel().get();
            liveForecasts = feedForecasts(collector);
        } finally {
            if (!job.getJobStatus().get().isTerminalState()) {
                job.cancel().get();
            }
        }
        assertThat(retire.getEvidence().getChampionVersion()).isEqualTo(2);
        assertThat(retire.getEvidence().getMeanLossDifference()).isNegative();
        // Every symbol joined v3 before the savepoint: without the referee's evidence and the subtasks' unsent
        // evidence restored, no look (at least 4 symbols) could be taken; without the shadow states, symbols would
        // join a second time.
        assertThat(retire.getEvidence().getSymbols()).isBetween(4L, (long) SYMBOLS);

        Map<String, List<String>> expected = expected(walks, v1, v2, promotedAt, end);
        assertSameForecasts(bySymbol(liveForecasts), expected);
        assertThat(liveForecasts.stream()
                        .filter(f -> f.getEventTime().isBefore(time(promotedAt)))
                        .map(Forecast::getModelVersion)
                        .distinct())
                .containsExactlyInAnyOrder(0L, 1L);
        assertThat(liveForecasts.stream()
                        .filter(f -> !f.getEventTime().isBefore(time(promotedAt)))
                        .map(Forecast::getModelVersion)
                        .distinct())
                .containsExactly(2L);
        assertThat(deadLetters(live)).isEmpty();

        // The replay: the same feed into a fresh job that follows the same models topic. It starts on an empty
        // ticks topic; once probes show the promotion held, the whole feed goes in.
        JobClient second = JobRunner.start(replay, new Configuration(), List.of(), "cc-replay");
        try (ForecastCollector collector =
                new ForecastCollector(kafka.bootstrapServers(), replay.forecastsTopic(), true)) {
            awaitServing(collector, replay, 2, promote.getEffectiveTime());
            sendAndAwait(collector, replay, walks, 0, end);
            assertSameForecasts(bySymbol(feedForecasts(collector)), expected);
        } finally {
            second.cancel().get();
        }
        assertThat(deadLetters(replay)).isEmpty();
        System.out.printf(
                "champion/challenger e2e: v2 promoted at tick %d (%s), v3 retired (%s)%n",
                promotedAt, promote.getReason(), retire.getReason());
    }

    /** The per-tick code with the decisions the job made: v1 serves, v2 in shadow from V2_FROM, serving from its tick. */
    private static Map<String, List<String>> expected(
            List<double[]> walks, ModelUpdate v1, ModelUpdate v2, int promotedAt, int end) throws Exception {
        ShadowForecaster shadows = new ShadowForecaster(new SymbolForecaster(ForecastSettings.DEFAULTS));
        Model m1 = Model.verify(v1);
        Model m2 = Model.verify(v2);
        Map<String, List<String>> out = new HashMap<>();
        for (int s = 0; s < SYMBOLS; s++) {
            ForecastState state = shadows.forecaster().newState();
            List<String> forecasts = new ArrayList<>();
            for (int i = 0; i < end; i++) {
                boolean promoted = i >= promotedAt;
                ShadowForecaster.Step step = shadows.onTick(
                        state,
                        promoted ? m2 : m1,
                        i >= V2_FROM && !promoted ? m2 : null,
                        symbol(s),
                        time(i).toEpochMilli(),
                        walks.get(s)[i],
                        1.0);
                state = step.served();
                forecasts.add(E2eData.describe(step.outcome().forecast()));
            }
            out.put(symbol(s), forecasts);
        }
        return out;
    }

    /** Equal per symbol, in order; a difference is reported at its first tick. */
    private static void assertSameForecasts(Map<String, List<String>> actual, Map<String, List<String>> expected) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (String symbol : expected.keySet()) {
            List<String> a = actual.get(symbol);
            List<String> e = expected.get(symbol);
            for (int i = 0; i < Math.min(a.size(), e.size()); i++) {
                assertThat(a.get(i)).as("%s, tick %d", symbol, i).isEqualTo(e.get(i));
            }
            assertThat(a).as("forecasts of %s", symbol).hasSameSizeAs(e);
        }
    }

    private static String symbol(int s) {
        return "MR-" + s;
    }

    private static List<Forecast> feedForecasts(ForecastCollector collector) {
        return collector.forecasts().stream()
                .filter(f -> f.getSymbol().startsWith("MR-"))
                .toList();
    }

    private static Map<String, List<String>> bySymbol(List<Forecast> forecasts) {
        return forecasts.stream()
                .collect(Collectors.groupingBy(
                        Forecast::getSymbol, Collectors.mapping(E2eData::describe, Collectors.toList())));
    }

    /** Sends ticks [from, to) of every symbol, interleaved, and waits for their forecasts. */
    private static void sendAndAwait(
            ForecastCollector collector, JobConfig config, List<double[]> walks, int from, int to) throws Exception {
        long before = collector.count(f -> f.getSymbol().startsWith("MR-"));
        WireCodec<Tick> codec = WireCodec.of(Tick.class);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            for (int s = 0; s < SYMBOLS; s++) {
                Tick t = Tick.newBuilder()
                        .setSymbol(symbol(s))
                        .setEventTime(time(i))
                        .setPrice(walks.get(s)[i])
                        .setVolume(1.0)
                        .build();
                records.add(new ProducerRecord<>(config.ticksTopic(), WireCodec.key(t.getSymbol()), codec.encode(t)));
            }
        }
        KafkaIo.produce(kafka.bootstrapServers(), records);
        long expected = before + (long) (to - from) * SYMBOLS;
        KafkaIo.await(
                () -> collector.count(f -> f.getSymbol().startsWith("MR-")) >= expected,
                Duration.ofMinutes(3),
                "forecasts of ticks " + from + ".." + to);
    }

    /**
     * Sends two ticks per probe symbol, at event times after {@code from}, until the second of each is served by
     * {@code version}.
     */
    private void awaitServing(ForecastCollector collector, JobConfig config, long version, Instant from)
            throws Exception {
        WireCodec<Tick> codec = WireCodec.of(Tick.class);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            int round = ++probeRound;
            Instant time = from.plus(Duration.ofDays(1)).plusSeconds(2L * round);
            List<ProducerRecord<byte[], byte[]>> probes = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                for (int p = 0; p < 4; p++) {
                    Tick t = Tick.newBuilder()
                            .setSymbol("PROBE-" + p)
                            .setEventTime(time.plusSeconds(k))
                            .setPrice(100 + round * 0.01 + p + k * 0.001)
                            .setVolume(null)
                            .build();
                    probes.add(
                            new ProducerRecord<>(config.ticksTopic(), WireCodec.key(t.getSymbol()), codec.encode(t)));
                }
            }
            KafkaIo.produce(kafka.bootstrapServers(), probes);
            Instant second = time.plusSeconds(1);
            Predicate<Forecast> answer =
                    f -> f.getSymbol().startsWith("PROBE") && f.getEventTime().equals(second);
            KafkaIo.await(() -> collector.count(answer) >= 4, Duration.ofMinutes(1), "probe round " + round);
            if (collector.forecasts().stream().filter(answer).allMatch(f -> f.getModelVersion() == version)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the job did not serve version " + version + " within 2 minutes");
    }

    private static void publish(String key, byte[] value) {
        KafkaIo.produce(
                kafka.bootstrapServers(), List.of(new ProducerRecord<>("cc.models", WireCodec.key(key), value)));
    }

    /** The decisions committed on the models topic so far. */
    private static List<ModelControl> decisions() throws Exception {
        List<ModelControl> out = new ArrayList<>();
        ModelRecords records = new ModelRecords();
        for (var r : KafkaIo.readAllCommitted(kafka.bootstrapServers(), "cc.models")) {
            ModelEvent.Builder event = records.decode(r.value());
            if (event.getControl() != null) {
                out.add(event.getControl());
            }
        }
        return out;
    }

    private static ModelControl awaitDecision(ModelAction action, long version) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            for (ModelControl c : decisions()) {
                if (c.getAction() == action && c.getVersion() == version) {
                    return c;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                "no " + action + " of v" + version + " on the models topic within 2 minutes; there: " + decisions());
    }

    private static List<DeadLetter> deadLetters(JobConfig config) throws Exception {
        WireCodec<DeadLetter> codec = WireCodec.of(DeadLetter.class);
        List<DeadLetter> out = new ArrayList<>();
        for (var r : KafkaIo.readAllCommitted(kafka.bootstrapServers(), config.deadLettersTopic())) {
            out.add(codec.decode(r.value()));
        }
        return out;
    }
}
