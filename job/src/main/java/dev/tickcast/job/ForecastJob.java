package dev.tickcast.job;

import dev.tickcast.job.operator.ChallengeReferee;
import dev.tickcast.job.operator.ForecastFunction;
import dev.tickcast.job.operator.ModelDecoder;
import dev.tickcast.job.operator.TickDecoder;
import dev.tickcast.job.serving.ModelAdmission;
import dev.tickcast.job.serving.TrustedKeys;
import dev.tickcast.job.types.Streams;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.internal.EvidenceBatch;
import dev.tickcast.schema.internal.ModelEvent;
import dev.tickcast.schema.internal.RawRecord;
import dev.tickcast.schema.internal.SourcedTick;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;

/**
 * The job's topology, assembled from the sources and sinks it is given (Kafka in production; tests
 * pass their own):
 *
 * <pre>
 * ticks  → decode + check ─(bad)→ dead letters
 *        → keyBy(symbol) ─────────────────────────┐
 * models → decode ─(bad)→ dead letters → broadcast ┴→ forecast → forecasts
 *                                                           ├→ evaluations
 *                                                           ├→ dead letters (out of order, duplicate, refused model)
 *                                                           └→ challenger evidence → referee → decisions → models
 * </pre>
 *
 * Every operator has a stable uid, so savepoints survive changes to the job. There is no event-time stage: each
 * symbol's ticks are taken in arrival order (its Kafka partition's order), and one older than the symbol's last, or
 * repeating it exactly, is dead-lettered, so the outputs depend on the feed alone, never on how watermarks happened to advance.
 */
public final class ForecastJob {

    private final JobConfig config;
    private final Source<RawRecord, ?, ?> ticks;
    private final Source<RawRecord, ?, ?> models;
    private final Sink<Forecast> forecasts;
    private final Sink<Evaluation> evaluations;
    private final Sink<DeadLetter> deadLetters;
    private final Sink<ModelControl> decisions;
    private final List<byte[]> initialModels;
    private final ModelAdmission admission;

    private ForecastJob(Builder b, List<byte[]> initialModels, ModelAdmission admission) {
        this.config = b.config;
        this.ticks = b.ticks;
        this.models = b.models;
        this.forecasts = b.forecasts;
        this.evaluations = b.evaluations;
        this.deadLetters = b.deadLetters;
        this.decisions = b.decisions;
        this.initialModels = initialModels;
        this.admission = admission;
    }

    /** A job to be given its sources and sinks (tests, the bench and the backfill give their own). */
    public static Builder builder(JobConfig config) {
        return new Builder(config);
    }

    /**
     * The job on the Kafka topics of {@code config}: ticks and models in, forecasts, evaluations and dead letters out.
     */
    public static Builder onKafka(JobConfig config) {
        return builder(config)
                .ticks(KafkaConnectors.ticks(config))
                .models(KafkaConnectors.models(config))
                .forecasts(KafkaConnectors.forecasts(config))
                .evaluations(KafkaConnectors.evaluations(config))
                .deadLetters(KafkaConnectors.deadLetters(config))
                .decisions(KafkaConnectors.decisions(config));
    }

    /**
     * What the job reads and writes. Ticks and the three sinks are required; a models topic and initial models are not.
     */
    public static final class Builder {
        private final JobConfig config;
        private Source<RawRecord, ?, ?> ticks;
        private Source<RawRecord, ?, ?> models;
        private Sink<Forecast> forecasts;
        private Sink<Evaluation> evaluations;
        private Sink<DeadLetter> deadLetters;
        private Sink<ModelControl> decisions;
        /** null: the config's {@code --model} files. */
        private List<byte[]> initialModels;

        private Builder(JobConfig config) {
            this.config = java.util.Objects.requireNonNull(config, "config");
        }

        public Builder ticks(Source<RawRecord, ?, ?> source) {
            this.ticks = source;
            return this;
        }

        /** The models topic; without one (a bounded backfill) only the initial models serve. */
        public Builder models(Source<RawRecord, ?, ?> source) {
            this.models = source;
            return this;
        }

        /** Without a models topic: only the initial models serve. */
        public Builder withoutModelsTopic() {
            this.models = null;
            return this;
        }

        public Builder forecasts(Sink<Forecast> sink) {
            this.forecasts = sink;
            return this;
        }

        public Builder evaluations(Sink<Evaluation> sink) {
            this.evaluations = sink;
            return this;
        }

        public Builder deadLetters(Sink<DeadLetter> sink) {
            this.deadLetters = sink;
            return this;
        }

        /**
         * Where the referee's PROMOTE and RETIRE decisions go: the models topic the job reads. Without it (a backfill,
         * a test), no challenge is decided by the job; challengers still run in shadow until decided by hand.
         */
        public Builder decisions(Sink<ModelControl> sink) {
            this.decisions = sink;
            return this;
        }

        /**
         * ModelUpdates in wire encoding served from the start (each from its effective time) until the models topic
         * brings newer ones, instead of the config's {@code --model} files (the default).
         */
        public Builder initialModels(List<byte[]> models) {
            this.initialModels = List.copyOf(models);
            return this;
        }

        /**
         * The job, its initial models (the given ones, else the config's {@code --model} files, read here) checked
         * against the job's admission rule, so a bad model fails the submission, not the running job; reads the
         * {@code --trusted-keys} files.
         *
         * @throws IllegalArgumentException a missing source or sink, or a refused initial model
         */
        public ForecastJob build() {
            require(ticks, "ticks source");
            require(forecasts, "forecasts sink");
            require(evaluations, "evaluations sink");
            require(deadLetters, "dead letters sink");
            List<byte[]> models = initialModels != null ? initialModels : TickcastJob.initialModels(config);
            ModelAdmission admission = config.modelAdmission();
            TrustedKeys.checkInitialModels(models, admission, config.routes());
            return new ForecastJob(this, models, admission);
        }

        private static void require(Object part, String name) {
            if (part == null) {
                throw new IllegalArgumentException("the job needs a " + name);
            }
        }
    }

    /** Adds the job's operators to the environment; run it with {@code env.execute} or {@code executeAsync}. */
    public void attach(StreamExecutionEnvironment env) {
        attach(
                env,
                new ForecastFunction(
                        config.forecastSettings(),
                        config.stateTtl(),
                        config.modelsTopic(),
                        initialModels,
                        admission,
                        config.routes().toString()));
    }

    /**
     * The same topology around another keyed function: {@code ./tickcast bench} measures the floor Flink
     * sets by putting a pass-through in the forecast operator's place.
     */
    public void attach(
            StreamExecutionEnvironment env,
            KeyedBroadcastProcessFunction<String, SourcedTick, ModelEvent, Forecast> keyed) {
        DataStream<RawRecord> rawTicks =
                env.fromSource(ticks, WatermarkStrategy.noWatermarks(), "ticks").uid("source-ticks");
        SingleOutputStreamOperator<SourcedTick> decoded = rawTicks.process(
                        new TickDecoder(config.maxRecordBytes(), config.futureTolerance()), Streams.TICKS)
                .uid("decode-ticks")
                .name("decode and check ticks");

        // A bounded feed (backfill) has no models topic: its models come from --model, with effective times.
        // One reader of the models topic, whatever its partitions: every forecast subtask then gets its records in the
        // same order (a model of a new line after the routes that name it), so their broadcast states agree.
        DataStream<RawRecord> modelRecords = models != null
                ? env.fromSource(models, WatermarkStrategy.noWatermarks(), "models")
                        .setParallelism(1)
                        .uid("source-models")
                : rawTicks.filter(r -> false)
                        .returns(Streams.RAW)
                        .uid("no-models")
                        .name("no models topic");
        SingleOutputStreamOperator<ModelEvent> decodedModels = modelRecords
                .process(new ModelDecoder(), Streams.MODEL_EVENTS)
                .setParallelism(1)
                .uid("decode-models")
                .name("decode models");
        BroadcastStream<ModelEvent> broadcastModels =
                decodedModels.broadcast(Streams.MODEL_STATE, Streams.MODEL_CONTROL_STATE, Streams.ROUTE_STATE);

        SingleOutputStreamOperator<Forecast> forecast = decoded.keyBy(
                        t -> t.getTick().getSymbol(), org.apache.flink.api.common.typeinfo.Types.STRING)
                .connect(broadcastModels)
                .process(keyed, Streams.FORECASTS)
                .uid("forecast")
                .name("forecast");

        forecast.sinkTo(forecasts).uid("sink-forecasts").name("forecasts");
        forecast.getSideOutput(Streams.EVALUATION_TAG)
                .sinkTo(evaluations)
                .uid("sink-evaluations")
                .name("evaluations");
        if (decisions != null) {
            forecast.getSideOutput(Streams.EVIDENCE_TAG)
                    .keyBy(EvidenceBatch::getModelName, org.apache.flink.api.common.typeinfo.Types.STRING)
                    .process(
                            new ChallengeReferee(
                                    config.effectiveChallengeRules(), config.promotionDelay(), config.decisionSigner()),
                            Streams.CONTROLS)
                    .setParallelism(1)
                    .uid("challenge-referee")
                    .name("challenge referee")
                    .sinkTo(decisions)
                    .setParallelism(1)
                    .uid("sink-decisions")
                    .name("decisions");
        }
        decoded.getSideOutput(Streams.DEAD_LETTER_TAG)
                .union(
                        decodedModels.getSideOutput(Streams.DEAD_LETTER_TAG),
                        forecast.getSideOutput(Streams.DEAD_LETTER_TAG))
                .sinkTo(deadLetters)
                .uid("sink-deadletters")
                .name("dead letters");
    }
}
