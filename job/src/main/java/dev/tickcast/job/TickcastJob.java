package dev.tickcast.job;

import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.job.serving.ModelSpec;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.wire.WireCodec;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point for {@code flink run} and the Kubernetes operator: builds the Kafka connectors from the
 * options ({@code --help} lists them) and runs {@link ForecastJob}.
 */
public final class TickcastJob {

    private static final Logger LOG = LoggerFactory.getLogger(TickcastJob.class);

    private TickcastJob() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(JobConfig.help());
            return;
        }
        JobConfig config;
        try {
            config = JobConfig.fromArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("tickcast job: " + e.getMessage());
            System.exit(2);
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        run(config, env, config.jobName());
    }

    /** Configures the environment for the job, attaches it with Kafka connectors, and executes it (blocking). */
    public static JobExecutionResult run(JobConfig config, StreamExecutionEnvironment env, String jobName)
            throws Exception {
        configure(env, config);
        ForecastJob.onKafka(config).build().attach(env); // with the --model files
        LOG.info(
                "tickcast job {}: ticks {} -> forecasts {}, {} delivery, transactional ids {}-*",
                config.jobName(),
                config.ticksTopic(),
                config.forecastsTopic(),
                config.delivery(),
                config.transactionalIdPrefix());
        if (config.autoPromoteOffReason() != null) {
            LOG.warn(config.autoPromoteOffReason());
        }
        return env.execute(jobName);
    }

    /** Checkpointing, parallelism and type rules every deployment of the job needs. */
    public static void configure(StreamExecutionEnvironment env, JobConfig config) {
        Configuration rules = new Configuration();
        rules.set(PipelineOptions.GENERIC_TYPES, false); // every type is explicit: fail rather than fall back to Kryo
        env.configure(rules);
        // Chained operators hand records on without an Avro deep copy each (it was the largest cost after the
        // state round trip). Safe here: no function keeps or changes a record it was given or emitted.
        env.getConfig().enableObjectReuse();
        env.enableCheckpointing(
                config.checkpointInterval().toMillis(),
                config.exactlyOnce() ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
        env.setMaxParallelism(config.maxParallelism());
        env.setBufferTimeout(config.bufferTimeout().toMillis());
        if (config.parallelism() > 0) {
            env.setParallelism(config.parallelism());
        }
    }

    /** The model of one {@code --model} entry, with the entry's effective time. */
    public static ModelUpdate load(ModelSpec spec) {
        try {
            Model model = ModelFile.load(spec.path());
            ModelUpdate update = spec.effectiveTime() == null
                    ? model.update()
                    : ModelUpdate.newBuilder(model.update())
                            .setEffectiveTime(spec.effectiveTime())
                            .build();
            LOG.info(
                    "serving {} from {}{}",
                    model.describe(),
                    spec.file(),
                    update.getEffectiveTime() == null ? "" : " for ticks from " + spec.effectiveTime());
            return update;
        } catch (ModelRejectedException e) {
            throw new IllegalArgumentException("--model " + spec.file() + " refused: " + e.getMessage(), e);
        }
    }

    /** The --model files, verified here so that a bad file fails the submission, not the running job. */
    public static List<byte[]> initialModels(JobConfig config) {
        List<byte[]> models = new ArrayList<>();
        WireCodec<ModelUpdate> codec = ModelRecords.modelCodec();
        for (ModelSpec spec : config.initialModels()) {
            models.add(codec.encode(load(spec)));
        }
        return models;
    }
}
