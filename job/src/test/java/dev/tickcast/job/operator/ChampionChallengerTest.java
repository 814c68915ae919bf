package dev.tickcast.job.operator;

import static dev.tickcast.job.TickBuilder.T0;
import static dev.tickcast.job.TickBuilder.tick;
import static org.assertj.core.api.Assertions.assertThat;

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
import dev.tickcast.schema.internal.EvidenceBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Champion and challenger in the forecast operator: a challenger runs in shadow without changing what is served, its
 * evidence goes to the referee, and the decisions on the models topic promote or retire it at a defined event time,
 * equal to the per-tick code run the same way, bit for bit.
 */
class ChampionChallengerTest {

    private static final double PHI = -0.5;
    private static final double SIGMA = 0.001;
    private static final ModelUpdate V1 = TestModels.update(1, CellType.LSTM, new int[] {8}, 31);
    private static final ModelUpdate V2 = challenger(TestModels.meanReverting(2, PHI, SIGMA), null);
    private static final int TICKS = 600;
    private static final String[] SYMBOLS = {"AAA", "BBB", "CCC"};

    private final List<ForecastHarness> opened = new ArrayList<>();
    private Instant issuedAt = Instant.parse("2026-01-01T00:00:00Z");

    @AfterEach
    void close() {
        opened.forEach(ForecastHarness::close);
    }

    private ForecastHarness open() throws Exception {
        ForecastHarness h = ForecastHarness.open();
        opened.add(h);
        return h;
    }

    private static ModelUpdate challenger(ModelUpdate model, Instant from) {
        return ModelUpdate.newBuilder(model)
                .setRole(ModelRole.CHALLENGER)
                .setEffectiveTime(from)
                .build();
    }

    private ModelControl decision(ModelAction action, long version, Instant effective) {
        issuedAt = issuedAt.plusSeconds(1);
        return ModelControl.newBuilder()
                .setModelName(TestModels.LINE)
                .setAction(action)
                .setVersion(version)
                .setIssuedAt(issuedAt)
                .setEffectiveTime(effective)
                .build();
    }

    private final double[][] walks = {
        TestModels.meanRevertingWalk(TICKS, PHI, SIGMA, 1),
        TestModels.meanRevertingWalk(TICKS, PHI, SIGMA, 2),
        TestModels.meanRevertingWalk(TICKS, PHI, SIGMA, 3)
    };

    private static Instant time(int i) {
        return T0.plusSeconds(i);
    }

    /** Ticks {@code from} (inclusive) to {@code to} of every symbol, interleaved. */
    private void feed(ForecastHarness h, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            for (int s = 0; s < SYMBOLS.length; s++) {
                h.tick(tick(SYMBOLS[s], time(i)).price(walks[s][i]).volume(1.0));
            }
        }
    }

    /**
     * The forecasts the per-tick code gives when v1 serves, v2 runs in shadow from tick {@code start}, and is promoted
     * at tick {@code promoteAt} (-1: never).
     */
    private List<Forecast> expected(int start, int promoteAt) throws Exception {
        ShadowForecaster shadows = new ShadowForecaster(new SymbolForecaster(ForecastSettings.DEFAULTS));
        Model v1 = Model.verify(V1);
        Model v2 = Model.verify(V2);
        ForecastState[] states = new ForecastState[SYMBOLS.length];
        List<Forecast> out = new ArrayList<>();
        for (int i = 0; i < TICKS; i++) {
            for (int s = 0; s < SYMBOLS.length; s++) {
                if (states[s] == null) {
                    states[s] = shadows.forecaster().newState();
                }
                boolean promoted = promoteAt >= 0 && i >= promoteAt;
                ShadowForecaster.Step step = shadows.onTick(
                        states[s],
                        promoted ? v2 : v1,
                        i >= start && !promoted ? v2 : null,
                        SYMBOLS[s],
                        time(i).toEpochMilli(),
                        walks[s][i],
                        1.0);
                states[s] = step.served();
                out.add(step.outcome().forecast());
            }
        }
        return out;
    }

    /** The forecasts after each symbol's first, which is naive (version 0) whatever serves. */
    private static List<Forecast> afterFirstTicks(ForecastHarness h) {
        List<Forecast> all = h.forecasts();
        return all.subList(SYMBOLS.length, all.size());
    }

    @Test
    void aChallengerRunsInShadowAndServesFromItsPromotion() throws Exception {
        ForecastHarness h = open();
        h.model(V1);
        h.model(challenger(V2, time(100)));
        feed(h, 0, 300);
        assertThat(afterFirstTicks(h)).extracting(Forecast::getModelVersion).containsOnly(1L);
        assertThat(h.state("AAA")).isNotNull();
        h.setProcessingTime(10_000); // the evidence flush timer
        List<EvidenceBatch> evidence = h.evidence();
        assertThat(evidence).isNotEmpty();
        assertThat(evidence.stream().mapToLong(EvidenceBatch::getEvaluations).sum())
                .as("every tick of every symbol from the second one after tick 100")
                .isEqualTo((300 - 101) * 3L);
        assertThat(evidence.stream().mapToLong(EvidenceBatch::getNewSymbols).sum())
                .isEqualTo(3);
        assertThat(evidence.stream().mapToDouble(EvidenceBatch::getSum).sum())
                .as("the mean-reverting challenger beats a random champion")
                .isPositive();
        assertThat(evidence).allSatisfy(b -> {
            assertThat(b.getChampionVersion()).isEqualTo(1);
            assertThat(b.getChallengerVersion()).isEqualTo(2);
        });

        h.control(decision(ModelAction.PROMOTE, 2, time(400)));
        feed(h, 300, TICKS);
        assertThat(h.forecasts()).isEqualTo(expected(100, 400));
        assertThat(h.forecasts().get(400 * 3 - 1).getModelVersion()).isEqualTo(1);
        assertThat(h.forecasts().get(400 * 3).getModelVersion()).isEqualTo(2);
        assertThat(h.deadLetters()).isEmpty();
    }

    @Test
    void aSavepointMidChallengeResumesTheShadowAndTheUnsentEvidence() throws Exception {
        ForecastHarness h = open();
        h.model(V1);
        h.model(challenger(V2, time(100)));
        feed(h, 0, 250);
        List<Forecast> before = new ArrayList<>(h.forecasts());
        long sentBefore =
                h.evidence().stream().mapToLong(EvidenceBatch::getEvaluations).sum();
        OperatorSubtaskState snapshot = h.snapshot(1);

        ForecastHarness restored = ForecastHarness.restore(snapshot, null);
        opened.add(restored);
        feed(restored, 250, 350);
        restored.control(decision(ModelAction.PROMOTE, 2, time(400)));
        feed(restored, 350, TICKS);
        restored.setProcessingTime(10_000);
        List<Forecast> all = new ArrayList<>(before);
        all.addAll(restored.forecasts());
        assertThat(all).isEqualTo(expected(100, 400));
        long sentAfter = restored.evidence().stream()
                .mapToLong(EvidenceBatch::getEvaluations)
                .sum();
        assertThat(sentBefore + sentAfter)
                .as("every paired evaluation until the decision, none lost or counted twice")
                .isEqualTo((350 - 101) * 3L);
    }

    @Test
    void aRetiredChallengerStopsAndNeverServes() throws Exception {
        ForecastHarness h = open();
        h.model(V1);
        h.model(challenger(V2, time(100)));
        feed(h, 0, 200);
        h.control(decision(ModelAction.RETIRE, 2, null));
        h.setProcessingTime(10_000);
        h.clearOutputs();
        feed(h, 200, TICKS);
        h.setProcessingTime(20_000);
        assertThat(h.forecasts()).extracting(Forecast::getModelVersion).containsOnly(1L);
        assertThat(h.evidence()).isEmpty();
        assertThat(h.forecasts()).isEqualTo(expected(100, -1).subList(200 * 3, TICKS * 3));
        // Promoting it now is refused: it is decided.
        h.control(decision(ModelAction.PROMOTE, 2, null));
        assertThat(h.deadLetters()).isEmpty(); // a second decision is not refused, it changes nothing
        h.clearOutputs();
        h.tick(tick("AAA", time(TICKS)).price(100.0).volume(1.0));
        assertThat(h.lastForecast().getModelVersion()).isEqualTo(1);
    }

    @Test
    void oneChallengerAtATimeAndANewChampionRetiresTheOpenOne() throws Exception {
        ForecastHarness h = open();
        h.model(V1);
        h.model(challenger(V2, null));
        h.model(challenger(TestModels.update(3, CellType.GRU, new int[] {4}, 9), null));
        assertThat(h.deadLetters())
                .singleElement()
                .satisfies(d -> assertThat(d.getDetail())
                        .startsWith("CHALLENGE: challenger v3 while challenger v2 is still being scored"));
        h.clearOutputs();
        h.model(TestModels.update(4, CellType.GRU, new int[] {4}, 10)); // a champion
        feed(h, 0, 50);
        assertThat(afterFirstTicks(h)).extracting(Forecast::getModelVersion).containsOnly(4L);
        assertThat(h.evidence()).isEmpty();
        // v2 was retired by v4: a new challenger is welcome.
        h.model(challenger(TestModels.update(5, CellType.GRU, new int[] {4}, 11), null));
        assertThat(h.deadLetters()).isEmpty();
    }

    @Test
    void decisionsAboutWhatIsNotAChallengerArePinsOfOneAreRefused() throws Exception {
        ForecastHarness h = open();
        h.model(V1);
        h.control(decision(ModelAction.PROMOTE, 1, null));
        h.model(challenger(V2, null));
        h.control(ModelControl.newBuilder(decision(ModelAction.PIN, 2, null)).build());
        h.control(decision(ModelAction.RETIRE, 7, null));
        assertThat(h.deadLetters())
                .extracting(DeadLetter::getDetail)
                .satisfiesExactly(
                        d -> assertThat(d).startsWith("CHALLENGE: PROMOTE of version 1, which is not a challenger"),
                        d -> assertThat(d).startsWith("PIN: version 2 is a challenger that has not been promoted"),
                        d -> assertThat(d).startsWith("CHALLENGE: RETIRE of version 7, which is not a challenger"));
        feed(h, 0, 20);
        assertThat(afterFirstTicks(h)).extracting(Forecast::getModelVersion).containsOnly(1L);
    }

    @Test
    void aRunOfLosingChallengersNeverPushesTheChampionOut() throws Exception {
        ForecastHarness h = open();
        h.model(V1);
        for (long v = 2; v <= 20; v++) {
            h.model(challenger(TestModels.update(v, CellType.GRU, new int[] {4}, v), null));
            h.control(decision(ModelAction.RETIRE, v, null));
        }
        assertThat(h.deadLetters()).isEmpty();
        assertThat(h.serving().getVersion()).isEqualTo(1);
        feed(h, 0, 5);
        assertThat(afterFirstTicks(h)).extracting(Forecast::getModelVersion).containsOnly(1L);
        // The newest version stays the floor: v20 again is not admitted.
        h.model(challenger(TestModels.update(20, CellType.GRU, new int[] {4}, 99), null));
        assertThat(h.deadLetters())
                .singleElement()
                .satisfies(d -> assertThat(d.getDetail()).startsWith("VERSION"));
    }

    @Test
    void aDecisionIsNotOrderedAgainstPinsByItsIssuingClock() throws Exception {
        ForecastHarness h = open();
        h.model(V1);
        h.model(challenger(V2, null));
        ModelControl early = ModelControl.newBuilder(decision(ModelAction.PROMOTE, 2, time(0)))
                .setIssuedAt(Instant.parse("2020-01-01T00:00:00Z")) // a referee whose clock is behind
                .build();
        h.control(decision(ModelAction.PIN, 1, null));
        h.control(early);
        h.control(decision(ModelAction.UNPIN, 0, null)); // a pin issued after: still in order
        assertThat(h.deadLetters()).isEmpty();
        feed(h, 0, 5);
        assertThat(afterFirstTicks(h)).extracting(Forecast::getModelVersion).containsOnly(2L);
    }
}
