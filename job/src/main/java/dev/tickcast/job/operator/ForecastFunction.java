package dev.tickcast.job.operator;

import dev.tickcast.job.serving.ModelAdmission;
import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.job.serving.ModelVerdict;
import dev.tickcast.job.serving.ServedLines;
import dev.tickcast.job.serving.ServingModels;
import dev.tickcast.job.types.ForecastStateSerializer;
import dev.tickcast.job.types.Streams;
import dev.tickcast.model.data.SymbolRoutes;
import dev.tickcast.model.data.TickRejection;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.ForecastState;
import dev.tickcast.model.forecast.ShadowForecaster;
import dev.tickcast.model.forecast.SymbolForecaster;
import dev.tickcast.model.forecast.TickOrder;
import dev.tickcast.model.forecast.TickOutcome;
import dev.tickcast.schema.DeadLetterReason;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelRoutes;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.internal.EvidenceBatch;
import dev.tickcast.schema.internal.ModelEvent;
import dev.tickcast.schema.internal.SourcedTick;
import dev.tickcast.schema.wire.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keyed forecast operator: per symbol, one recurrent step per tick.
 *
 * <p>Keyed state (one {@link ForecastState} per symbol in its own versioned binary format, see
 * {@link ForecastStateSerializer}; expiring after the configured TTL without ticks) holds the hidden state, last price
 * and time, the model version the hidden state
 * was built with, a ring of recent inputs, the pending forecast and running error statistics. The
 * per-tick math is {@link SymbolForecaster}, the same code the offline backtest runs, so the job's
 * forecasts equal the backtest's bit for bit.
 *
 * <p>Each symbol is served by one model line, picked by the routes ({@link ServedLines}: {@code --model-routes}, and
 * routes records on the models topic from their effective time); each line has its own models, pin and challenger.
 * The state records the line and version its hidden state was built with, so a symbol routed to another line
 * re-warms like a swap.
 *
 * <p>Models and controls arrive on the broadcast side ({@link ServingModels}). A model is verified
 * (shape, finite weights, checksum, feature spec) and must be newer than every accepted one; a control
 * pins an accepted version (rollback) or unpins. A refused record becomes a dead letter (emitted once,
 * by subtask 0) and the serving model keeps serving. When a symbol's next tick finds a different model
 * serving than the one its state was built with, its hidden state is rebuilt from its ring of recent
 * inputs under the new model before the tick is processed. Before any model, forecasts are the naive
 * last price with version 0.
 *
 * <p>While a challenger is open, each symbol's state also holds the challenger's state, advanced on every tick
 * beside the champion's ({@link ShadowForecaster}); the loss differences of the two on the same ticks go, summed, to
 * the referee ({@link Streams#EVIDENCE_TAG}, {@link ChallengeReferee}).
 *
 * <p>Outputs: forecasts (main), {@link Streams#EVALUATION_TAG evaluations} of the previous forecast,
 * {@link Streams#DEAD_LETTER_TAG dead letters} for ticks out of order or duplicated per symbol, and the challenger's
 * {@link Streams#EVIDENCE_TAG evidence}.
 */
public final class ForecastFunction extends KeyedBroadcastProcessFunction<String, SourcedTick, ModelEvent, Forecast>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ForecastFunction.class);

    private final ForecastSettings settings;
    private final Duration stateTtl;
    private final String modelsTopic;
    private final List<byte[]> initialModels;
    private final ModelAdmission admission;
    /** {@code --model-routes} as {@link SymbolRoutes#parse} reads it. */
    private final String routes;

    private final LegacyStates legacy;

    /** How often, at most, a subtask's evidence goes to the referee when fewer than a batch accrue. */
    static final long EVIDENCE_FLUSH_MS = 1000;

    private transient ValueState<ForecastState> symbolState;
    private transient SymbolForecaster forecaster;
    private transient ShadowForecaster shadowForecaster;
    private transient EvidenceBuffer evidence;
    private transient ListState<EvidenceBatch> unsentEvidence;
    /** Processing time of the pending evidence flush timer, or 0. */
    private transient long evidenceFlushAt;

    private transient Counter challengerEvaluations;
    private transient WireCodec<Tick> tickCodec;
    private transient WireCodec<ModelUpdate> modelCodec;
    private transient WireCodec<ModelControl> controlCodec;
    private transient WireCodec<ModelRoutes> routesCodec;
    private transient ServedLines lines;

    /**
     * One forecast in this many records its tick-to-forecast latency: the clock read and histogram update per tick cost
     * ~2% of the peak.
     */
    static final int LATENCY_SAMPLE_EVERY = 16;

    private transient Counter forecastsOut;
    private transient Histogram latencyMicros;
    private transient DeadLetterCounters deadLetters;
    private transient Counter modelsRejected;
    private transient double sumAbsError;
    private transient double modelSumAbsError;
    private transient double naiveSumAbsError;
    private transient long evaluations;

    /**
     * @param initialModels ModelUpdates in wire encoding served from the start (each from its effective time),
     *     until the models topic delivers newer ones; may be empty
     */
    public ForecastFunction(
            ForecastSettings settings, Duration stateTtl, String modelsTopic, List<byte[]> initialModels) {
        this(settings, stateTtl, modelsTopic, initialModels, ModelAdmission.unsigned(ModelAdmission.DEFAULT_LINE));
    }

    /** @param admission which models and controls may change what serves: the line, trusted keys, version step */
    public ForecastFunction(
            ForecastSettings settings,
            Duration stateTtl,
            String modelsTopic,
            List<byte[]> initialModels,
            ModelAdmission admission) {
        this(settings, stateTtl, modelsTopic, initialModels, admission, "*=" + admission.line());
    }

    /** @param routes which line serves which symbols, {@code PATTERN=LINE,...} ({@code --model-routes}) */
    public ForecastFunction(
            ForecastSettings settings,
            Duration stateTtl,
            String modelsTopic,
            List<byte[]> initialModels,
            ModelAdmission admission,
            String routes) {
        this.settings = settings;
        this.stateTtl = stateTtl;
        this.modelsTopic = modelsTopic;
        this.initialModels = List.copyOf(initialModels);
        this.admission = admission;
        this.routes = SymbolRoutes.parse(routes).toString();
        this.legacy = new LegacyStates(settings, stateTtl);
    }

    /**
     * The keyed state's descriptor: the symbol's {@link ForecastState} itself, in its own serializer
     * ({@link ForecastStateSerializer}, a versioned binary format). No Flink TTL: the state expires by the
     * function's own timers (see {@link #expiryTime}): Flink's TTL wrapper made every write a young object in
     * long-lived state, which the young GC pauses paid for (bench/README.md, (8)). States restored from savepoints
     * with TTL are migrated by Flink (2.2 reads TTL state with a TTL-less descriptor).
     */
    public static ValueStateDescriptor<ForecastState> stateDescriptor(ForecastSettings settings) {
        return new ValueStateDescriptor<>("forecast-state", new ForecastStateSerializer(settings));
    }

    /**
     * When a symbol's state expires after a tick at processing time {@code nowMs}: {@code ttl} later, rounded up
     * to an eighth of the TTL, so a symbol ticking steadily registers a new timer only once per eighth (a state
     * lives between the TTL and 1⅛ TTL after its last tick).
     */
    public static long expiryTime(long nowMs, Duration ttl) {
        long resolution = Math.max(1, ttl.toMillis() / 8);
        return Math.floorDiv(nowMs + ttl.toMillis() + resolution - 1, resolution) * resolution;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        legacy.initializeState(context);
        // What a build before routes kept for its one line moves to that line's keys, the same on every subtask.
        int moved = ServingModels.moveUnscopedKeys(
                context.getOperatorStateStore().getBroadcastState(Streams.MODEL_STATE),
                context.getOperatorStateStore().getBroadcastState(Streams.MODEL_CONTROL_STATE),
                admission.line());
        if (moved > 0) {
            LOG.info("moved {} model entries of a savepoint taken before model routes to their line's keys", moved);
        }
        unsentEvidence = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("unsent-evidence", Streams.EVIDENCE));
        evidence = new EvidenceBuffer();
        evidence.restore(unsentEvidence.get());
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        legacy.snapshotState();
        unsentEvidence.update(evidence.unsent());
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        symbolState = getRuntimeContext().getState(stateDescriptor(settings));
        legacy.open(getRuntimeContext());
        forecaster = new SymbolForecaster(settings);
        shadowForecaster = new ShadowForecaster(forecaster);
        tickCodec = WireCodec.of(Tick.class);
        modelCodec = ModelRecords.modelCodec();
        controlCodec = WireCodec.of(ModelControl.class);
        routesCodec = WireCodec.of(ModelRoutes.class);
        List<ModelUpdate> initial = new ArrayList<>();
        for (byte[] bytes : initialModels) {
            initial.add(modelCodec.decode(bytes));
        }
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        lines = new ServedLines(initial, admission, SymbolRoutes.parse(routes), (line, serving) -> {
            MetricGroup ofLine = metrics.addGroup("line", line);
            ofLine.gauge("modelVersion", serving::servingVersion);
            ofLine.gauge("challengerVersion", serving::challengerVersion);
        });
        ServingModels primary = lines.line(admission.line());
        forecastsOut = metrics.counter("forecastsOut");
        latencyMicros = metrics.histogram("tickToForecastMicros", new DescriptiveStatisticsHistogram(10_000));
        deadLetters = new DeadLetterCounters(metrics);
        modelsRejected = metrics.counter("modelsRejected");
        // The --model-line's, as before routes; every line's are in the group "line" too.
        metrics.gauge("modelVersion", primary::servingVersion);
        metrics.gauge("challengerVersion", primary::challengerVersion);
        challengerEvaluations = metrics.counter("challengerEvaluations");
        // Served forecasts, the model's own (before each symbol's guard weighed them), and the naive last price.
        metrics.gauge("maeServed", () -> evaluations == 0 ? 0.0 : sumAbsError / evaluations);
        metrics.gauge("maeModel", () -> evaluations == 0 ? 0.0 : modelSumAbsError / evaluations);
        metrics.gauge("maeNaive", () -> evaluations == 0 ? 0.0 : naiveSumAbsError / evaluations);
    }

    @Override
    public void processElement(SourcedTick sourced, ReadOnlyContext ctx, Collector<Forecast> out) throws Exception {
        Tick tick = sourced.getTick();
        long timeMs = tick.getEventTime().toEpochMilli();
        ForecastState state = symbolState.value(); // mutated in place below, then written back
        if (state == null) {
            state = stateOfNewOrRestoredSymbol();
        } else if (state.modelLine() == null) {
            state.assumeLine(admission.line()); // from a build before routes: of the one line it served
        }

        TickRejection rejection = TickOrder.check(state, timeMs, tick.getPrice(), tick.getVolume());
        if (rejection != null) {
            deadLetters.inc(rejection.reason());
            ctx.output(
                    Streams.DEAD_LETTER_TAG,
                    DeadLetters.of(
                            rejection.reason(),
                            rejection.detail(),
                            sourced.getTopic(),
                            sourced.getPartition(),
                            sourced.getOffset(),
                            WireCodec.key(tick.getSymbol()),
                            tickCodec.encode(tick),
                            tick.getSymbol(),
                            timeMs));
            return;
        }

        ServingModels serving = lines.of(tick.getSymbol(), timeMs, ctx.getBroadcastState(Streams.ROUTE_STATE));
        Model model = serving == null
                ? null
                : serving.serving(
                        ctx.getBroadcastState(Streams.MODEL_STATE),
                        ctx.getBroadcastState(Streams.MODEL_CONTROL_STATE),
                        timeMs);
        Model challenger = serving == null ? null : serving.challenger(timeMs);
        TickOutcome outcome;
        if (challenger == null && !state.hasShadow()) {
            outcome = forecaster.onTick(state, model, tick.getSymbol(), timeMs, tick.getPrice(), tick.getVolume());
        } else {
            ShadowForecaster.Step step = shadowForecaster.onTick(
                    state, model, challenger, tick.getSymbol(), timeMs, tick.getPrice(), tick.getVolume());
            state = step.served();
            outcome = step.outcome();
            if (challenger != null && serving.challengerScored()) {
                collectEvidence(ctx, model, challenger, step, timeMs);
            }
        }
        if (evidenceFlushAt == 0 && !evidence.isEmpty()) { // a partial batch, or one restored from a checkpoint
            evidenceFlushAt = ctx.timerService().currentProcessingTime() + EVIDENCE_FLUSH_MS;
            ctx.timerService().registerProcessingTimeTimer(evidenceFlushAt);
        }
        long expiry = expiryTime(ctx.timerService().currentProcessingTime(), stateTtl);
        if (state.expiryTimerMs() != expiry) {
            ctx.timerService().registerProcessingTimeTimer(expiry);
            state.expiryTimerMs(expiry);
        }
        symbolState.update(state);
        out.collect(outcome.forecast());
        if (outcome.evaluation() != null) {
            ctx.output(Streams.EVALUATION_TAG, outcome.evaluation());
            evaluations++;
            sumAbsError += Math.abs(outcome.evaluation().getError());
            modelSumAbsError += Math.abs(outcome.evaluation().getModelError()); // never null from this build
            naiveSumAbsError += Math.abs(outcome.evaluation().getNaiveError());
        }
        forecastsOut.inc();
        if (forecastsOut.getCount() % LATENCY_SAMPLE_EVERY == 0) {
            latencyMicros.update(TickDecoder.micros(Instant.now()) - sourced.getReceivedAtMicros());
        }
    }

    private void collectEvidence(
            ReadOnlyContext ctx, Model champion, Model challenger, ShadowForecaster.Step step, long timeMs) {
        if (!Double.isNaN(step.lossDifference())) {
            challengerEvaluations.inc();
        }
        evidence.add(
                challenger.line(),
                champion == null ? 0 : champion.version(),
                challenger.version(),
                step.lossDifference(),
                step.joined(),
                timeMs);
        for (EvidenceBatch batch : evidence.take(false)) {
            ctx.output(Streams.EVIDENCE_TAG, batch);
        }
    }

    /**
     * An expiry timer: the symbol's state goes unless a tick since registered a later one. (The legacy Avro state
     * of a symbol that never ticked again after an upgrade keeps Flink's TTL, see {@link LegacyStates}.)
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Forecast> out) throws Exception {
        if (evidenceFlushAt != 0 && timestamp >= evidenceFlushAt) { // the subtask's evidence, on whichever key
            evidenceFlushAt = 0;
            for (EvidenceBatch batch : evidence.take(true)) {
                ctx.output(Streams.EVIDENCE_TAG, batch);
            }
        }
        ForecastState state = symbolState.value();
        if (state != null && state.expiryTimerMs() > 0 && state.expiryTimerMs() <= timestamp) {
            symbolState.clear();
        }
    }

    @Override
    public void processBroadcastElement(ModelEvent event, Context ctx, Collector<Forecast> out) throws Exception {
        BroadcastState<String, ModelUpdate> models = ctx.getBroadcastState(Streams.MODEL_STATE);
        BroadcastState<String, Long> control = ctx.getBroadcastState(Streams.MODEL_CONTROL_STATE);
        BroadcastState<String, ModelRoutes> routes = ctx.getBroadcastState(Streams.ROUTE_STATE);
        ModelVerdict verdict;
        byte[] value;
        String key;
        long detectedAt;
        String keepsServing;
        if (event.getUpdate() != null) {
            ModelUpdate update = event.getUpdate();
            verdict = lines.accept(update, models, control, routes);
            value = modelCodec.encode(update);
            key = ModelAdmission.topicKey(update);
            detectedAt = update.getCreatedAt().toEpochMilli();
            keepsServing = keepsServing(update.getModelName(), routes);
        } else if (event.getControl() != null) {
            ModelControl command = event.getControl();
            verdict = lines.apply(command, models, control, routes);
            value = controlCodec.encode(command);
            key = ModelAdmission.topicKey(command);
            detectedAt = command.getIssuedAt().toEpochMilli();
            keepsServing = keepsServing(command.getModelName(), routes);
        } else {
            ModelRoutes record = event.getRoutes();
            verdict = lines.route(record, models, control, routes);
            value = routesCodec.encode(record);
            key = ModelAdmission.routesKey(record);
            detectedAt = record.getIssuedAt().toEpochMilli();
            keepsServing = "the routes " + lines.currentRoutes(routes) + " keep routing";
        }
        if (verdict instanceof ModelVerdict.Refused refused) {
            modelsRejected.inc();
            // Every parallel instance sees every model; one dead letter is enough.
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                deadLetters.inc(DeadLetterReason.MODEL_REJECTED);
                ctx.output(
                        Streams.DEAD_LETTER_TAG,
                        DeadLetters.of(
                                DeadLetterReason.MODEL_REJECTED,
                                refused.reason() + "; " + keepsServing,
                                event.getTopic(),
                                event.getPartition(),
                                event.getOffset(),
                                WireCodec.key(key),
                                value,
                                null,
                                detectedAt));
            }
        }
        legacy.sweepUntimed(ctx);
    }

    private String keepsServing(String line, BroadcastState<String, ModelRoutes> routes) throws Exception {
        if (lines.isRouted(line, routes)) {
            return "the serving model of line " + line + " (version "
                    + lines.line(line).servingVersion() + ") keeps serving";
        }
        return "what serves is unchanged";
    }

    /** A symbol's first state: new, or converted from the Avro record an older build's savepoint holds. */
    private ForecastState stateOfNewOrRestoredSymbol() throws java.io.IOException {
        ForecastState restored = legacy.takeLegacy();
        if (restored == null) {
            return forecaster.newState();
        }
        restored.assumeLine(admission.line()); // the record names no line: the build that wrote it served one
        return restored;
    }
}
