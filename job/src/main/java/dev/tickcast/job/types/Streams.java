package dev.tickcast.job.types;

import dev.tickcast.job.serving.ModelRouting;
import dev.tickcast.job.serving.ServingModels;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelRoutes;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.internal.EvidenceBatch;
import dev.tickcast.schema.internal.ModelEvent;
import dev.tickcast.schema.internal.RawRecord;
import dev.tickcast.schema.internal.SourcedTick;
import java.util.List;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/**
 * Explicit type information for every stream and state of the job: Avro specific records with Avro's serializer,
 * except the ticks across the keyBy, which have their own; never a Kryo fallback (the job runs with
 * {@code pipeline.generic-types: false}).
 */
public final class Streams {

    private Streams() {}

    public static final AvroTypeInfo<RawRecord> RAW = new AvroTypeInfo<>(RawRecord.class);
    /**
     * The decoded ticks crossing the keyBy: a hand-written serializer, not Avro's (see {@link SourcedTickSerializer}).
     */
    public static final TypeInformation<SourcedTick> TICKS = new SourcedTickTypeInfo();

    public static final AvroTypeInfo<ModelUpdate> MODELS = new AvroTypeInfo<>(ModelUpdate.class);
    public static final AvroTypeInfo<ModelEvent> MODEL_EVENTS = new AvroTypeInfo<>(ModelEvent.class);
    public static final AvroTypeInfo<Forecast> FORECASTS = new AvroTypeInfo<>(Forecast.class);
    public static final AvroTypeInfo<Evaluation> EVALUATIONS = new AvroTypeInfo<>(Evaluation.class);
    public static final AvroTypeInfo<DeadLetter> DEAD_LETTERS = new AvroTypeInfo<>(DeadLetter.class);

    /** Side output of every operator that refuses input. */
    public static final OutputTag<DeadLetter> DEAD_LETTER_TAG = new OutputTag<>("dead-letters", DEAD_LETTERS);

    /** Side output of the forecast operator: the realised error of each symbol's previous forecast. */
    public static final OutputTag<Evaluation> EVALUATION_TAG = new OutputTag<>("evaluations", EVALUATIONS);

    public static final AvroTypeInfo<EvidenceBatch> EVIDENCE = new AvroTypeInfo<>(EvidenceBatch.class);
    public static final AvroTypeInfo<ModelControl> CONTROLS = new AvroTypeInfo<>(ModelControl.class);

    /** Side output of the forecast operator: its evidence about the challenger, to the referee. */
    public static final OutputTag<EvidenceBatch> EVIDENCE_TAG = new OutputTag<>("challenge-evidence", EVIDENCE);

    /** Broadcast state: the accepted models, keyed "&lt;line&gt;#v&lt;version&gt;" (see {@link ServingModels}). */
    public static final MapStateDescriptor<String, ModelUpdate> MODEL_STATE =
            new MapStateDescriptor<>("models", Types.STRING, MODELS);

    /** Broadcast state: the pin, the last control's time and the challenges' decisions (see {@link ServingModels}). */
    public static final MapStateDescriptor<String, Long> MODEL_CONTROL_STATE =
            new MapStateDescriptor<>("model-control", Types.STRING, Types.LONG);

    public static final AvroTypeInfo<ModelRoutes> ROUTES = new AvroTypeInfo<>(ModelRoutes.class);

    /** Broadcast state: the routes records applied, the newest few (see {@link ModelRouting}). */
    public static final MapStateDescriptor<String, ModelRoutes> ROUTE_STATE =
            new MapStateDescriptor<>("model-routes", Types.STRING, ROUTES);

    /** The broadcast states, in the order the broadcast stream declares them. */
    public static final List<MapStateDescriptor<?, ?>> BROADCAST_STATES =
            List.of(MODEL_STATE, MODEL_CONTROL_STATE, ROUTE_STATE);
}
