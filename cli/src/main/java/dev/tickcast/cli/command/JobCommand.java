package dev.tickcast.cli.command;

import dev.tickcast.cli.cluster.LocalFlink;
import dev.tickcast.cli.common.UserException;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.TickcastJob;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

@Command(
        name = "job",
        mixinStandardHelpOptions = true,
        description =
                "Runs the streaming job on a local Flink MiniCluster (web UI on 127.0.0.1) against an existing Kafka,"
                        + " until Ctrl-C. The same main class (dev.tickcast.job.TickcastJob) runs under 'flink"
                        + " run' with the same"
                        + " job options, listed below.")
public final class JobCommand implements Callable<Integer> {

    @Spec
    public CommandSpec spec;

    @Option(
            names = "--web-ui-port",
            description = "Port of Flink's web UI (the next free one if taken). Default: ${DEFAULT-VALUE}.",
            defaultValue = "8081")
    public int webUiPort;

    @Unmatched
    public List<String> jobArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        JobConfig config;
        try {
            config = JobConfig.fromArgs(jobArgs.toArray(new String[0]));
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        int parallelism = config.parallelism() > 0
                ? config.parallelism()
                : Runtime.getRuntime().availableProcessors();
        StreamExecutionEnvironment env = LocalFlink.environment(webUiPort, parallelism);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "tickcast job: %s -> %s on Kafka %s, %s; Flink web UI at %s (Ctrl-C stops)%n",
                config.ticksTopic(),
                config.forecastsTopic(),
                config.bootstrap(),
                config.delivery(),
                LocalFlink.webUi(env));
        TickcastJob.run(config, env, config.jobName());
        return 0;
    }
}
