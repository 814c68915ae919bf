package dev.tickcast.job.operator;

import dev.tickcast.job.serving.ChallengeRules;
import dev.tickcast.job.serving.DecisionSigner;
import dev.tickcast.job.types.Streams;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.internal.EvidenceBatch;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds up every forecast subtask's evidence about a model line's challenger and, by {@link ChallengeRules}, decides:
 * a PROMOTE (serving from the evidence's latest event time plus {@code --promotion-delay}) or RETIRE control, with its
 * evidence, to the models topic, where every subtask applies it like any control. Keyed by model line; its sums are
 * keyed state, so a restored job resumes the challenge with the evidence it had.
 *
 * <p>One decision per challenger: evidence about a challenger already decided (still in flight from the subtasks)
 * is dropped. The decision is made live, from the evidence as it arrived; once written it is a record, and a replay
 * applies that record rather than deciding again (ServingModels treats a second decision as unchanged).
 */
public final class ChallengeReferee extends KeyedProcessFunction<String, EvidenceBatch, ModelControl> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ChallengeReferee.class);

    private final ChallengeRules rules;
    private final Duration promotionDelay;
    private final DecisionSigner signer;

    private transient ValueState<EvidenceBatch> totals;
    private transient ValueState<Integer> looks;
    private transient ValueState<Long> decided;
    private transient volatile EvidenceBatch latest;
    private transient volatile double latestStatistic;

    /** @param signer null: decisions unsigned (the job trusts no keys) */
    public ChallengeReferee(ChallengeRules rules, Duration promotionDelay, DecisionSigner signer) {
        this.rules = rules;
        this.promotionDelay = promotionDelay;
        this.signer = signer;
    }

    @Override
    public void open(OpenContext openContext) {
        totals = getRuntimeContext().getState(new ValueStateDescriptor<>("challenge-evidence", Streams.EVIDENCE));
        looks = getRuntimeContext().getState(new ValueStateDescriptor<>("challenge-looks", Types.INT));
        decided = getRuntimeContext().getState(new ValueStateDescriptor<>("challenge-decided", Types.LONG));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        metrics.gauge("challengeChallengerVersion", () -> latest == null ? 0L : latest.getChallengerVersion());
        metrics.gauge("challengeChampionVersion", () -> latest == null ? 0L : latest.getChampionVersion());
        metrics.gauge("challengeEvaluations", () -> latest == null ? 0L : latest.getEvaluations());
        metrics.gauge("challengeSymbols", () -> latest == null ? 0L : latest.getNewSymbols());
        metrics.gauge(
                "challengeMeanLossDifference",
                () -> latest == null || latest.getEvaluations() == 0 ? 0.0 : latest.getSum() / latest.getEvaluations());
        metrics.gauge("challengeStatistic", () -> latestStatistic);
    }

    @Override
    public void processElement(EvidenceBatch batch, Context ctx, Collector<ModelControl> out) throws Exception {
        Long last = decided.value();
        if (last != null && batch.getChallengerVersion() <= last) {
            return; // in flight when the challenge was decided
        }
        EvidenceBatch sum = totals.value();
        int taken = looks.value() == null ? 0 : looks.value();
        if (sum == null
                || sum.getChallengerVersion() != batch.getChallengerVersion()
                || sum.getChampionVersion() != batch.getChampionVersion()) {
            // A new challenge, or the champion changed under it: the evidence starts again.
            sum = new EvidenceBatch(
                    batch.getModelName(),
                    batch.getChallengerVersion(),
                    batch.getChampionVersion(),
                    0L,
                    0L,
                    0.0,
                    0.0,
                    Long.MIN_VALUE);
            taken = 0;
        }
        sum.setEvaluations(sum.getEvaluations() + batch.getEvaluations());
        sum.setNewSymbols(sum.getNewSymbols() + batch.getNewSymbols());
        sum.setSum(sum.getSum() + batch.getSum());
        sum.setSumSquares(sum.getSumSquares() + batch.getSumSquares());
        sum.setLastEventTime(Math.max(sum.getLastEventTime(), batch.getLastEventTime()));
        latest = EvidenceBatch.newBuilder(sum).build();
        latestStatistic = ChallengeRules.statistic(sum);

        ChallengeRules.Verdict verdict = rules.decide(sum, taken);
        if (verdict == null) {
            totals.update(sum);
            looks.update(rules.looksTaken(sum, taken));
            return;
        }
        if (!rules.autoPromote()) {
            LOG.info(
                    "{} (--auto-promote false: not applied; decide with tickcast model promote|retire {})",
                    verdict.reason(),
                    sum.getChallengerVersion());
            if (sum.getEvaluations() >= rules.maxEvaluations()) {
                decided.update(sum.getChallengerVersion()); // scored to the limit: stop, and stop saying so
                totals.clear();
                looks.clear();
                return;
            }
            totals.update(sum);
            looks.update(rules.looksTaken(sum, taken));
            return;
        }
        ModelControl decision = ModelControl.newBuilder()
                .setModelName(sum.getModelName())
                .setAction(verdict.action())
                .setVersion(sum.getChallengerVersion())
                .setIssuedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                .setReason(verdict.reason())
                .setEffectiveTime(
                        verdict.action() == ModelAction.PROMOTE
                                ? Instant.ofEpochMilli(sum.getLastEventTime()).plus(promotionDelay)
                                : null)
                .setEvidence(verdict.evidence())
                .build();
        LOG.info("{}: {}", verdict.action(), verdict.reason());
        out.collect(signer == null ? decision : signer.sign(decision));
        decided.update(sum.getChallengerVersion());
        totals.clear();
        looks.clear();
    }
}
