package dev.tickcast.e2e;

import dev.tickcast.job.ForecastJob;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.TickcastJob;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Starts the job with its Kafka connectors on the test's MiniCluster, as TickcastJob.main would. */
final class JobRunner {

    private JobRunner() {}

    /**
     * @param flinkConfig extra Flink configuration (e.g. a savepoint to restore), may be empty
     * @param initialModels wire-encoded ModelUpdates served from the start, may be empty
     */
    static JobClient start(
            JobConfig config, Configuration flinkConfig, java.util.List<byte[]> initialModels, String name)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfig);
        TickcastJob.configure(env, config);
        ForecastJob.onKafka(config).initialModels(initialModels).build().attach(env);
        return env.executeAsync(name);
    }
}
