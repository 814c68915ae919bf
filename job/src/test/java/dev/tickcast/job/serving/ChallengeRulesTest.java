package dev.tickcast.job.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.internal.EvidenceBatch;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Diebold-Mariano decision, its looks at doubling evidence, and the significance they spend. */
class ChallengeRulesTest {

    private static final ChallengeRules RULES = new ChallengeRules(true, 1000, 64_000, 3, 0.05);

    /** n loss differences drawn around {@code mean} with standard deviation 1, from {@code symbols} symbols. */
    private static EvidenceBatch evidence(long n, double mean, long symbols, long seed) {
        Random random = new Random(seed);
        double sum = 0;
        double squares = 0;
        for (long i = 0; i < n; i++) {
            double d = mean + random.nextGaussian();
            sum += d;
            squares += d * d;
        }
        return new EvidenceBatch("test", 2L, 1L, n, symbols, sum, squares, 1_700_000_000_000L);
    }

    @Test
    void theStatisticIsTheMeanOverItsStandardError() {
        EvidenceBatch b = new EvidenceBatch("test", 2L, 1L, 4L, 3L, 4.0, 6.0, 0L); // d = 0, 1, 1, 2
        // mean 1, sample variance (6 - 4) / 3, standard error sqrt(2/3 / 4)
        assertThat(ChallengeRules.statistic(b)).isCloseTo(1 / Math.sqrt(2.0 / 3 / 4), within(1e-12));
        assertThat(ChallengeRules.statistic(new EvidenceBatch("test", 2L, 1L, 3L, 3L, 3.0, 3.0, 0L)))
                .isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(ChallengeRules.statistic(new EvidenceBatch("test", 2L, 1L, 3L, 3L, 0.0, 0.0, 0L)))
                .isZero();
    }

    @Test
    void aClearlyBetterChallengerIsPromotedAtTheFirstLookWithItsEvidence() {
        var verdict = RULES.decide(evidence(1000, 0.3, 5, 1), 0);
        assertThat(verdict.action()).isEqualTo(ModelAction.PROMOTE);
        assertThat(verdict.evidence().getEvaluations()).isEqualTo(1000);
        assertThat(verdict.evidence().getThreshold()).isEqualTo(0.025);
        assertThat(verdict.evidence().getPValue()).isLessThan(0.025);
        assertThat(verdict.evidence().getStatistic()).isGreaterThan(1.96);
        assertThat(verdict.reason()).startsWith("challenger v2 replaces v1: better than the champion over 1000");
    }

    @Test
    void aClearlyWorseChallengerIsRetired() {
        var verdict = RULES.decide(evidence(1000, -0.3, 5, 2), 0);
        assertThat(verdict.action()).isEqualTo(ModelAction.RETIRE);
        assertThat(verdict.reason()).contains("worse than the champion");
    }

    @Test
    void noLookBeforeEnoughEvaluationsAndSymbols() {
        assertThat(RULES.decide(evidence(999, 1.0, 5, 3), 0)).isNull();
        assertThat(RULES.decide(evidence(5000, 1.0, 2, 3), 0)).isNull();
        assertThat(RULES.looksTaken(evidence(5000, 1.0, 2, 3), 0)).isZero();
    }

    @Test
    void eachLookSpendsHalfTheSignificanceLeftAndLooksComeAtDoublingEvidence() {
        EvidenceBatch none = evidence(4500, 0.0, 5, 4);
        assertThat(RULES.decide(none, 0)).isNull();
        assertThat(RULES.looksTaken(none, 0)).as("looks at 1000, 2000, 4000").isEqualTo(3);
        // At the next look (8000), the threshold is 0.05 / 2^4.
        var verdict = RULES.decide(evidence(8000, 0.2, 5, 5), 3);
        assertThat(verdict.evidence().getThreshold()).isEqualTo(0.05 / 16);
        // Between looks nothing is decided, however strong the evidence.
        assertThat(RULES.decide(evidence(5000, 1.0, 5, 6), 3)).isNull();
    }

    @Test
    void aChallengerNoBetterIsRetiredAtTheLimitAndRarelyPromotedBefore() {
        var verdict = RULES.decide(evidence(64_000, 0.0, 5, 7), 6);
        assertThat(verdict.action()).isEqualTo(ModelAction.RETIRE);
        assertThat(verdict.reason()).contains("no significant difference within --challenge-max-evaluations 64000");
        // Over many equal challengers, the looks together promote at most about alpha of them.
        int promoted = 0;
        for (int seed = 0; seed < 400; seed++) {
            Random random = new Random(seed);
            double sum = 0;
            double squares = 0;
            int looks = 0;
            for (long n = 1; n <= 64_000; n++) {
                double d = random.nextGaussian();
                sum += d;
                squares += d * d;
                if (n % 500 == 0) {
                    EvidenceBatch b = new EvidenceBatch("test", 2L, 1L, n, 5L, sum, squares, 0L);
                    var v = RULES.decide(b, looks);
                    if (v != null) {
                        promoted += v.action() == ModelAction.PROMOTE ? 1 : 0;
                        break;
                    }
                    looks = RULES.looksTaken(b, looks);
                }
            }
        }
        assertThat(promoted)
                .as("of 400 equal challengers (alpha 0.05: 20 expected at most)")
                .isLessThan(30);
    }

    @Test
    void optionsOutOfRangeAreRefusedByName() {
        assertThatThrownBy(() -> new ChallengeRules(true, 1, 10, 1, 0.05))
                .hasMessageContaining("--challenge-min-evaluations");
        assertThatThrownBy(() -> new ChallengeRules(true, 100, 10, 1, 0.05))
                .hasMessageContaining("--challenge-max-evaluations");
        assertThatThrownBy(() -> new ChallengeRules(true, 100, 1000, 0, 0.05))
                .hasMessageContaining("--challenge-min-symbols");
        assertThatThrownBy(() -> new ChallengeRules(true, 100, 1000, 1, 0.7))
                .hasMessageContaining("--challenge-significance");
    }
}
