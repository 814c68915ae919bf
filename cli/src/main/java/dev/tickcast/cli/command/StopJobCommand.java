package dev.tickcast.cli.command;

import dev.tickcast.cli.cluster.FlinkRest;
import dev.tickcast.cli.common.UserException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "stop-job",
        mixinStandardHelpOptions = true,
        description = {
            "Stops a running job: with --savepoint, Flink's stop-with-savepoint (sources stop, a final savepoint is"
                    + " taken, the exactly-once sinks commit) and prints the savepoint path to restart from with"
                    + " 'tickcast submit"
                    + " --savepoint PATH'; without it, cancels the job (restart from its last retained checkpoint)."
        })
public final class StopJobCommand implements Callable<Integer> {

    @Spec
    public CommandSpec spec;

    @Option(
            names = "--rest",
            description = "Flink REST API. Default: ${DEFAULT-VALUE}.",
            defaultValue = "http://127.0.0.1:${env:TICKCAST_FLINK_REST_PORT:-8081}")
    public String rest;

    @Option(names = "--job-id", description = "The job to stop. Default: the only running job.")
    public String jobId;

    @Option(names = "--savepoint", description = "Take a savepoint while stopping. Default: cancel without one.")
    public boolean savepoint;

    @Option(
            names = "--savepoint-dir",
            description = "Where the savepoint goes. Default: the cluster's execution.checkpointing.savepoint-dir.")
    public String savepointDir;

    @Option(
            names = "--timeout",
            description = "How long to wait for the savepoint. Default: ${DEFAULT-VALUE}.",
            defaultValue = "5m",
            converter = DurationConverter.class)
    public Duration timeout;

    @Override
    public Integer call() throws Exception {
        FlinkRest flink = new FlinkRest(rest);
        try {
            String id = jobId != null ? jobId : onlyRunningJob(flink);
            if (savepoint) {
                String path = flink.stopWithSavepoint(id, savepointDir, timeout);
                spec.commandLine()
                        .getErr()
                        .printf(
                                "stopped %s with a savepoint; restart with: tickcast submit --savepoint %s ...%n",
                                id, path);
                spec.commandLine().getOut().println(path);
            } else {
                flink.cancel(id);
                spec.commandLine().getErr().printf("cancelled %s%n", id);
            }
            return 0;
        } catch (IOException e) {
            throw new UserException(e.getMessage(), 1);
        }
    }

    private static String onlyRunningJob(FlinkRest flink) throws IOException {
        List<FlinkRest.Job> running = flink.jobs().stream()
                .filter(j -> j.state().equals("RUNNING")
                        || j.state().equals("RESTARTING")
                        || j.state().equals("CREATED"))
                .toList();
        if (running.size() != 1) {
            throw new UserException(
                    running.isEmpty()
                            ? "no running job"
                            : "several jobs run; say which with --job-id: "
                                    + running.stream()
                                            .map(j -> j.id() + " (" + j.name() + ")")
                                            .collect(Collectors.joining(", ")));
        }
        return running.get(0).id();
    }
}
