package dev.tickcast.job;

import dev.tickcast.model.data.TickRejection;
import dev.tickcast.model.data.TickRules;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.ForecastState;
import dev.tickcast.model.forecast.SymbolForecaster;
import dev.tickcast.model.forecast.TickOutcome;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.SymbolState;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.internal.SourcedTick;
import dev.tickcast.schema.wire.WireCodec;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The keyed forecast operator: per symbol, one recurrent step per tick.
 *
 * <p>Keyed state (one {@link SymbolState} per symbol, Avro-serialised, expiring after the configured
 * TTL without ticks) holds the hidden state, last price and time, the model version the hidden state
 * was built with, a ring of recent inputs, the pending forecast and running error statistics. The
 * per-tick math is {@link SymbolForecaster}, the same code the offline backtest runs, so the job's
 * forecasts equal the backtest's bit for bit.
 *
 * <p>Models arrive on the broadcast side. Each is verified (shape, finite weights, checksum, feature
 * spec) and must be newer than the one serving; a refused model becomes a dead letter (emitted once,
 * by subtask 0) and the serving model keeps serving. Before any model, forecasts are the naive last
 * price with version 0.
 *
 * <p>Outputs: forecasts (main), {@link Streams#EVALUATION_TAG evaluations} of the previous forecast, and
 * {@link Streams#DEAD_LETTER_TAG dead letters} for ticks out of order or duplicated per symbol.
 */
public final class ForecastFunction extends KeyedBroadcastProcessFunction<String, SourcedTick, ModelUpdate, Forecast> {

    private static final long serialVersionUID = 1L;

    private final ForecastSettings settings;
    private final Duration stateTtl;
    private final String modelsTopic;
    private final byte[] initialModel;

    private transient ValueState<SymbolState> symbolState;
    private transient SymbolForecaster forecaster;
    private transient WireCodec<Tick> tickCodec;
    private transient WireCodec<ModelUpdate> modelCodec;
    private transient ModelUpdate initial;
    private transient ModelUpdate cachedUpdate;
    private transient Model cachedModel;

    private transient Counter forecastsOut;
    private transient Histogram latencyMicros;
    private transient DeadLetterCounters deadLetters;
    private transient Counter modelsRejected;
    private transient volatile long servingVersion;
    private transient double sumAbsError;
    private transient double naiveSumAbsError;
    private transient long evaluations;

    /**
     * @param initialModel a ModelUpdate in wire encoding to serve until the models topic delivers a newer
     *     one, or null
     */
    public ForecastFunction(ForecastSettings settings, Duration stateTtl, String modelsTopic, byte[] initialModel) {
        this.settings = settings;
        this.stateTtl = stateTtl;
        this.modelsTopic = modelsTopic;
        this.initialModel = initialModel;
    }

    /** The keyed state's descriptor: Avro type information and a processing-time TTL. */
    static ValueStateDescriptor<SymbolState> stateDescriptor(Duration ttl) {
        ValueStateDescriptor<SymbolState> descriptor = new ValueStateDescriptor<>("symbol", new AvroTypeInfo<>(SymbolState.class));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        return descriptor;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        symbolState = getRuntimeContext().getState(stateDescriptor(stateTtl));
        forecaster = new SymbolForecaster(settings);
        tickCodec = WireCodec.of(Tick.class);
        modelCodec = WireCodec.of(ModelUpdate.class, ModelDecoder.MAX_MODEL_BYTES);
        initial = initialModel == null ? null : modelCodec.decode(initialModel);
        servingVersion = initial == null ? 0 : initial.getVersion();

        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        forecastsOut = metrics.counter("forecastsOut");
        latencyMicros = metrics.histogram("tickToForecastMicros", new DescriptiveStatisticsHistogram(10_000));
        deadLetters = new DeadLetterCounters(metrics);
        modelsRejected = metrics.counter("modelsRejected");
        metrics.gauge("modelVersion", () -> servingVersion);
        metrics.gauge("maeModel", () -> evaluations == 0 ? 0.0 : sumAbsError / evaluations);
        metrics.gauge("maeNaive", () -> evaluations == 0 ? 0.0 : naiveSumAbsError / evaluations);
    }

    @Override
    public void processElement(SourcedTick sourced, ReadOnlyContext ctx, Collector<Forecast> out) throws Exception {
        Tick tick = sourced.getTick();
        long timeMs = tick.getEventTime().toEpochMilli();
        SymbolState stored = symbolState.value();
        ForecastState state = stored == null ? forecaster.newState() : ForecastState.fromRecord(stored, settings);

        TickRejection rejection = TickRules.checkOrder(state, timeMs, tick.getPrice(), tick.getVolume());
        if (rejection != null) {
            deadLetters.inc(rejection.reason());
            ctx.output(Streams.DEAD_LETTER_TAG, DeadLetters.of(rejection.reason(), rejection.detail(), sourced.getTopic(),
                    sourced.getPartition(), sourced.getOffset(), WireCodec.key(tick.getSymbol()), tickCodec.encode(tick),
                    tick.getSymbol(), timeMs));
            return;
        }

        Model model = serving(ctx.getBroadcastState(Streams.MODEL_STATE).get(Streams.SERVING));
        TickOutcome outcome = forecaster.onTick(state, model, tick.getSymbol(), timeMs, tick.getPrice(), tick.getVolume());
        symbolState.update(state.toRecord());
        out.collect(outcome.forecast());
        if (outcome.evaluation() != null) {
            ctx.output(Streams.EVALUATION_TAG, outcome.evaluation());
            evaluations++;
            sumAbsError += Math.abs(outcome.evaluation().getError());
            naiveSumAbsError += Math.abs(outcome.evaluation().getNaiveError());
        }
        forecastsOut.inc();
        latencyMicros.update(TickDecoder.micros(Instant.now()) - sourced.getReceivedAtMicros());
    }

    @Override
    public void processBroadcastElement(ModelUpdate update, Context ctx, Collector<Forecast> out) throws Exception {
        BroadcastState<String, ModelUpdate> models = ctx.getBroadcastState(Streams.MODEL_STATE);
        // Not Objects.requireNonNullElse: it throws when both are null (no initial model, first broadcast).
        ModelUpdate broadcast = models.get(Streams.SERVING);
        ModelUpdate current = broadcast != null ? broadcast : initial;
        String refusal = null;
        try {
            Model.verify(update);
        } catch (ModelRejectedException e) {
            refusal = e.getMessage();
        }
        if (refusal == null && current != null) {
            if (update.getVersion() == current.getVersion() && update.getWeightsSha256().equals(current.getWeightsSha256())) {
                return; // the serving model delivered again (e.g. the topic re-read): nothing changes
            }
            if (update.getVersion() <= current.getVersion()) {
                refusal = ModelRejectedException.Check.VERSION + ": version " + update.getVersion()
                        + " is not newer than the serving version " + current.getVersion();
            }
        }
        if (refusal != null) {
            modelsRejected.inc();
            // Every parallel instance sees every model; one dead letter is enough.
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                deadLetters.inc(DeadLetters.MODEL_REJECTED);
                ctx.output(Streams.DEAD_LETTER_TAG, DeadLetters.of(DeadLetters.MODEL_REJECTED, refusal + "; the serving model (version "
                        + (current == null ? 0 : current.getVersion()) + ") keeps serving", modelsTopic, null, null,
                        WireCodec.key(update.getModelName()), modelCodec.encode(update), null, update.getCreatedAt().toEpochMilli()));
            }
            return;
        }
        models.put(Streams.SERVING, update);
        servingVersion = update.getVersion();
    }

    /** The runtime model for the serving ModelUpdate, rebuilt only when it changes. */
    private Model serving(ModelUpdate fromBroadcast) throws ModelRejectedException {
        ModelUpdate update = fromBroadcast != null ? fromBroadcast : initial;
        if (update == null) {
            return null;
        }
        if (update != cachedUpdate) {
            cachedModel = Model.verify(update);
            cachedUpdate = update;
            servingVersion = update.getVersion();
        }
        return cachedModel;
    }
}
