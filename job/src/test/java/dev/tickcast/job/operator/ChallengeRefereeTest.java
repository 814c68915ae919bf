package dev.tickcast.job.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.job.serving.ChallengeRules;
import dev.tickcast.job.serving.DecisionSigner;
import dev.tickcast.model.file.ModelSigning;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.internal.EvidenceBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The referee: adds up the subtasks' evidence, decides once per challenger, signs, and survives a restore. */
class ChallengeRefereeTest {

    private static final ChallengeRules RULES = new ChallengeRules(true, 1000, 100_000, 3, 0.05);
    private static final long T = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private static KeyedOneInputStreamOperatorTestHarness<String, EvidenceBatch, ModelControl> harness(
            ChallengeReferee referee) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(referee), EvidenceBatch::getModelName, Types.STRING);
        h.open();
        return h;
    }

    /** 250 evaluations of loss difference about {@code mean} (spread 1), as one subtask's batch. */
    private static EvidenceBatch batch(long challenger, double mean, long newSymbols, long lastTime) {
        double sum = 250 * mean;
        double squares = 250 * (1 + mean * mean);
        return new EvidenceBatch("test", challenger, 1L, 250L, newSymbols, sum, squares, lastTime);
    }

    @Test
    void theSubtasksEvidenceAddsUpToOneDecisionWithItsEvidence() throws Exception {
        var h = harness(new ChallengeReferee(RULES, Duration.ofSeconds(30), null));
        h.processElement(batch(2, 0.3, 2, T + 5_000), 0);
        h.processElement(batch(2, 0.3, 1, T + 9_000), 0);
        h.processElement(batch(2, 0.3, 0, T + 7_000), 0);
        assertThat(h.extractOutputValues()).as("750 evaluations: no look yet").isEmpty();
        h.processElement(batch(2, 0.3, 0, T + 8_000), 0);
        List<ModelControl> out = h.extractOutputValues();
        assertThat(out).singleElement().satisfies(c -> {
            assertThat(c.getAction()).isEqualTo(ModelAction.PROMOTE);
            assertThat(c.getVersion()).isEqualTo(2);
            assertThat(c.getModelName()).isEqualTo("test");
            assertThat(c.getEffectiveTime()).isEqualTo(Instant.ofEpochMilli(T + 9_000 + 30_000));
            assertThat(c.getEvidence().getEvaluations()).isEqualTo(1000);
            assertThat(c.getEvidence().getSymbols()).isEqualTo(3);
            assertThat(c.getEvidence().getMeanLossDifference())
                    .isCloseTo(0.3, org.assertj.core.api.Assertions.within(1e-9));
            assertThat(c.getSignature()).isNull();
        });
        // Evidence still in flight about the decided challenger decides nothing more.
        h.processElement(batch(2, -5, 0, T + 10_000), 0);
        h.processElement(batch(2, -5, 0, T + 10_000), 0);
        h.processElement(batch(2, -5, 0, T + 10_000), 0);
        h.processElement(batch(2, -5, 0, T + 10_000), 0);
        assertThat(h.extractOutputValues()).hasSize(1);
        // The next challenger starts from nothing.
        for (int i = 0; i < 4; i++) {
            h.processElement(batch(3, -0.4, i == 0 ? 3 : 0, T + 20_000), 0);
        }
        assertThat(h.extractOutputValues()).hasSize(2).last().satisfies(c -> {
            assertThat(c.getAction()).isEqualTo(ModelAction.RETIRE);
            assertThat(c.getVersion()).isEqualTo(3);
            assertThat(c.getEffectiveTime()).isNull();
        });
        h.close();
    }

    @Test
    void withoutAutoPromoteItScoresButDecidesNothing() throws Exception {
        var h = harness(new ChallengeReferee(RULES.withAutoPromote(false), Duration.ZERO, null));
        for (int i = 0; i < 8; i++) {
            h.processElement(batch(2, 0.5, 1, T), 0);
        }
        assertThat(h.extractOutputValues()).isEmpty();
        h.close();
    }

    @Test
    void aRestoredRefereeKeepsTheEvidenceItHad() throws Exception {
        var h = harness(new ChallengeReferee(RULES, Duration.ZERO, null));
        h.processElement(batch(2, 0.3, 3, T), 0);
        h.processElement(batch(2, 0.3, 0, T), 0);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();
        var restored = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ChallengeReferee(RULES, Duration.ZERO, null)),
                EvidenceBatch::getModelName,
                Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(batch(2, 0.3, 0, T), 0);
        assertThat(restored.extractOutputValues()).isEmpty();
        restored.processElement(batch(2, 0.3, 0, T), 0);
        assertThat(restored.extractOutputValues())
                .singleElement()
                .satisfies(c -> assertThat(c.getEvidence().getEvaluations()).isEqualTo(1000));
        restored.close();
    }

    @Test
    void withADecisionKeyTheDecisionIsSignedByIt() throws Exception {
        KeyPair pair = ModelSigning.generate();
        Path key = dir.resolve("referee.key");
        ModelSigning.writeKeyPair(pair, key, dir.resolve("referee.pub"));
        var h = harness(new ChallengeReferee(RULES, Duration.ZERO, DecisionSigner.load(key)));
        for (int i = 0; i < 4; i++) {
            h.processElement(batch(2, 0.3, 1, T), 0);
        }
        ModelControl decision = h.extractOutputValues().get(0);
        String id = ModelSigning.keyId(pair.getPublic());
        assertThat(decision.getSigner()).isEqualTo(id);
        ModelSigning.verify(decision, Map.of(id, pair.getPublic())); // throws if not
        assertThat(Files.exists(key)).isTrue();
        h.close();
    }
}
