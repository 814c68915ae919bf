package dev.tickcast.job.operator;

import dev.tickcast.job.TestModels;
import dev.tickcast.job.TickBuilder;
import dev.tickcast.job.serving.ModelAdmission;
import dev.tickcast.job.serving.ServingModels;
import dev.tickcast.job.types.Streams;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.ForecastState;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelRoutes;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.SymbolState;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.internal.EvidenceBatch;
import dev.tickcast.schema.internal.ModelEvent;
import dev.tickcast.schema.internal.SourcedTick;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.OutputTag;

/**
 * A {@link ForecastFunction} in Flink's keyed-broadcast operator harness, keyed by symbol as the job
 * keys it, with readers for its outputs and its keyed and broadcast state.
 */
public final class ForecastHarness implements AutoCloseable {

    public static final String MODELS_TOPIC = "tickcast.models";
    public static final Duration TTL = Duration.ofHours(1);
    public static final ForecastSettings SETTINGS = ForecastSettings.DEFAULTS;

    private static final KeySelector<SourcedTick, String> BY_SYMBOL =
            t -> t.getTick().getSymbol();

    public final KeyedBroadcastOperatorTestHarness<String, SourcedTick, ModelEvent, Forecast> harness;
    private long nextOffset;
    private long nextModelOffset;

    private ForecastHarness(KeyedBroadcastOperatorTestHarness<String, SourcedTick, ModelEvent, Forecast> harness) {
        this.harness = harness;
    }

    public static ForecastHarness open() throws Exception {
        return open((byte[]) null);
    }

    /** Through {@link ProcessFunctionTestHarnesses}: max parallelism 1, one subtask, opened with empty state. */
    public static ForecastHarness open(byte[] initialModel) throws Exception {
        return new ForecastHarness(ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                function(initialModel),
                BY_SYMBOL,
                Types.STRING,
                Streams.MODEL_STATE,
                Streams.MODEL_CONTROL_STATE,
                Streams.ROUTE_STATE));
    }

    /** A function that accepts only models signed by one of {@code trustedKeys} (X.509 encodings). */
    public static ForecastHarness openTrusting(List<byte[]> trustedKeys) throws Exception {
        return open(new ModelAdmission(TestModels.LINE, trustedKeys, ModelAdmission.DEFAULT_MAX_VERSION_STEP));
    }

    /** A function that admits models and controls as {@code admission} says. */
    public static ForecastHarness open(ModelAdmission admission) throws Exception {
        return open(admission, "*=" + admission.line());
    }

    /** A function that admits models and controls as {@code admission} says, and routes symbols by {@code routes}. */
    public static ForecastHarness open(ModelAdmission admission, String routes) throws Exception {
        return new ForecastHarness(ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new ForecastFunction(SETTINGS, TTL, MODELS_TOPIC, List.of(), admission, routes),
                BY_SYMBOL,
                Types.STRING,
                Streams.MODEL_STATE,
                Streams.MODEL_CONTROL_STATE,
                Streams.ROUTE_STATE));
    }

    /** A fresh function (nothing carried over in memory) restored from a snapshot. */
    public static ForecastHarness restore(OperatorSubtaskState snapshot, byte[] initialModel) throws Exception {
        KeyedBroadcastOperatorTestHarness<String, SourcedTick, ModelEvent, Forecast> h =
                unopened(initialModel, 1, 1, 0);
        h.setup();
        h.initializeState(snapshot);
        h.open();
        return new ForecastHarness(h);
    }

    /** One subtask of several, opened with empty state. */
    public static ForecastHarness subtask(int index, int parallelism) throws Exception {
        KeyedBroadcastOperatorTestHarness<String, SourcedTick, ModelEvent, Forecast> h =
                unopened(null, 128, parallelism, index);
        h.open();
        return new ForecastHarness(h);
    }

    private static KeyedBroadcastOperatorTestHarness<String, SourcedTick, ModelEvent, Forecast> unopened(
            byte[] initialModel, int maxParallelism, int parallelism, int index) throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(function(initialModel), Streams.BROADCAST_STATES),
                BY_SYMBOL,
                Types.STRING,
                maxParallelism,
                parallelism,
                index);
    }

    private static ForecastFunction function(byte[] initialModel) {
        return new ForecastFunction(
                SETTINGS,
                TTL,
                MODELS_TOPIC,
                initialModel == null ? List.of() : List.of(initialModel),
                ModelAdmission.unsigned(TestModels.LINE));
    }

    public ForecastHarness tick(TickBuilder tick) throws Exception {
        return tick(tick.build());
    }

    /** Processes the tick at the next offset of partition 0, with its event time as the record timestamp. */
    public ForecastHarness tick(Tick tick) throws Exception {
        harness.processElement(
                TickBuilder.sourced(tick, 0, nextOffset++), tick.getEventTime().toEpochMilli());
        return this;
    }

    public ForecastHarness model(ModelUpdate update) throws Exception {
        harness.processBroadcastElement(
                ModelEvent.newBuilder()
                        .setUpdate(update)
                        .setTopic(MODELS_TOPIC)
                        .setPartition(0)
                        .setOffset(nextModelOffset++)
                        .build(),
                update.getCreatedAt().toEpochMilli());
        return this;
    }

    public ForecastHarness routes(ModelRoutes routes) throws Exception {
        harness.processBroadcastElement(
                ModelEvent.newBuilder()
                        .setRoutes(routes)
                        .setTopic(MODELS_TOPIC)
                        .setPartition(0)
                        .setOffset(nextModelOffset++)
                        .build(),
                routes.getIssuedAt().toEpochMilli());
        return this;
    }

    public ForecastHarness control(ModelControl control) throws Exception {
        harness.processBroadcastElement(
                ModelEvent.newBuilder()
                        .setControl(control)
                        .setTopic(MODELS_TOPIC)
                        .setPartition(0)
                        .setOffset(nextModelOffset++)
                        .build(),
                control.getIssuedAt().toEpochMilli());
        return this;
    }

    public long lastOffset() {
        return nextOffset - 1;
    }

    public List<Forecast> forecasts() {
        return harness.extractOutputValues();
    }

    public Forecast lastForecast() {
        List<Forecast> all = forecasts();
        return all.get(all.size() - 1);
    }

    public List<Evaluation> evaluations() {
        return side(Streams.EVALUATION_TAG);
    }

    public List<DeadLetter> deadLetters() {
        return side(Streams.DEAD_LETTER_TAG);
    }

    /** The evidence about the challenger sent to the referee so far. */
    public List<EvidenceBatch> evidence() {
        return side(Streams.EVIDENCE_TAG);
    }

    /** Forgets every output so far. */
    public void clearOutputs() {
        harness.getOutput().clear();
        for (OutputTag<?> tag : List.of(Streams.EVALUATION_TAG, Streams.DEAD_LETTER_TAG, Streams.EVIDENCE_TAG)) {
            var queue = harness.getSideOutput(tag);
            if (queue != null) {
                queue.clear();
            }
        }
    }

    private <T> List<T> side(OutputTag<T> tag) {
        var queue = harness.getSideOutput(tag);
        return queue == null
                ? List.of()
                : queue.stream().map(StreamRecord::getValue).toList();
    }

    /** The symbol's keyed state as the operator would read it now (null when absent or expired). */
    public SymbolState state(String symbol) throws Exception {
        AbstractStreamOperator<Forecast> operator = harness.getOperator();
        operator.setCurrentKey(symbol);
        ValueState<ForecastState> state = operator.getKeyedStateBackend()
                .getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        ForecastFunction.stateDescriptor(SETTINGS));
        ForecastState value = state.value();
        return value == null ? null : value.toRecord();
    }

    /**
     * Writes a symbol's state as the first builds kept it (an Avro record under the name "symbol"), as an old savepoint
     * holds it.
     */
    public ForecastHarness putLegacyState(String symbol, SymbolState record) throws Exception {
        AbstractStreamOperator<Forecast> operator = harness.getOperator();
        operator.setCurrentKey(symbol);
        operator.getKeyedStateBackend()
                .getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        LegacyStates.legacyStateDescriptor(TTL))
                .update(record);
        return this;
    }

    /**
     * Writes a symbol's state without an expiry timer, as a savepoint of state format 2 or older restores it (its
     * expiry
     * reads as 0 and no timer stands for it).
     */
    public ForecastHarness putUntimedState(String symbol) throws Exception {
        AbstractStreamOperator<Forecast> operator = harness.getOperator();
        operator.setCurrentKey(symbol);
        ForecastState state = new dev.tickcast.model.forecast.SymbolForecaster(SETTINGS).newState();
        operator.getKeyedStateBackend()
                .getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        ForecastFunction.stateDescriptor(SETTINGS))
                .update(state);
        return this;
    }

    /**
     * Entries in the heap keyed state backend, expired ones included until cleaned up; the same count
     * {@code KeyedOneInputStreamOperatorTestHarness.numKeyedStateEntries()} gives (the keyed broadcast
     * harness has no such method in Flink 2.2).
     */
    public int numKeyedStateEntries() {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    /** The model the broadcast state says serves now (initial models not counted: null before any broadcast). */
    public ModelUpdate serving() throws Exception {
        return serving(TestModels.LINE);
    }

    /** The model of {@code line} the broadcast state says serves now (initial models not counted). */
    public ModelUpdate serving(String line) throws Exception {
        return ServingModels.servingNow(
                line,
                harness.getBroadcastState(Streams.MODEL_STATE),
                harness.getBroadcastState(Streams.MODEL_CONTROL_STATE));
    }

    /** Advances processing time, firing the expiry timers due by then. */
    public void setProcessingTime(long ms) throws Exception {
        harness.setProcessingTime(ms);
    }

    public OperatorSubtaskState snapshot(long checkpointId) throws Exception {
        return harness.snapshot(checkpointId, checkpointId);
    }

    @Override
    public void close() {
        try {
            harness.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the harness failed", e);
        }
    }
}
