package dev.tickcast.cli.command;

import dev.tickcast.cli.common.UserException;
import dev.tickcast.cli.kafka.KafkaTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The local Kafka broker and Flink standalone cluster of deploy/, run by its scripts (one source of truth). */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = {
            "A local Kafka broker (KRaft) and Flink standalone cluster on 127.0.0.1, from the project's own jars"
                    + " (deploy/bin/cluster.sh). Kafka on 127.0.0.1:9092, Flink's REST API and web UI on"
                    + " http://127.0.0.1:8081;"
                    + " config, data, checkpoints, savepoints, logs and pids under $TICKCAST_HOME (default"
                    + " .tickcast-cluster/)."
                    + " Environment: TICKCAST_KAFKA_PORT, TICKCAST_FLINK_REST_PORT, TICKCAST_FLINK_SLOTS; see"
                    + " deploy/README.md."
        },
        subcommands = {
            ClusterCommand.Start.class,
            ClusterCommand.Stop.class,
            ClusterCommand.Status.class,
            ClusterCommand.AddTaskManager.class
        })
public final class ClusterCommand implements Runnable {

    @Override
    public void run() {
        throw new UserException(
                "say what to do: tickcast cluster start [--taskmanagers N] | stop | status | add-taskmanager");
    }

    @Command(
            name = "start",
            mixinStandardHelpOptions = true,
            description = "Starts Kafka, the JobManager and N TaskManagers (what already runs is kept).")
    public static final class Start implements Callable<Integer> {
        @Option(
                names = "--taskmanagers",
                description =
                        "TaskManagers to run (each with $TICKCAST_FLINK_SLOTS slots, 2). Default: ${DEFAULT-VALUE}.",
                defaultValue = "2")
        int taskManagers;

        @Option(
                names = "--partitions",
                description = "Partitions of the ticks and output topics it creates. Default: ${DEFAULT-VALUE}.",
                defaultValue = "3")
        int partitions;

        @Option(
                names = "--create-topics",
                negatable = true,
                description =
                        "Create the job's five topics (default names) where missing." + " Default: ${DEFAULT-VALUE}.",
                defaultValue = "true",
                fallbackValue = "true")
        boolean createTopics;

        @Override
        public Integer call() throws Exception {
            if (taskManagers < 0) {
                throw new UserException("--taskmanagers must be >= 0, got " + taskManagers);
            }
            int status = script("cluster.sh", "start", "--taskmanagers", String.valueOf(taskManagers));
            if (status == 0 && createTopics) {
                String bootstrap = "127.0.0.1:" + System.getenv().getOrDefault("TICKCAST_KAFKA_PORT", "9092");
                List<String> created = KafkaTopics.ensureJobTopics(bootstrap, partitions);
                System.out.println(
                        created.isEmpty() ? "the job's topics exist" : "created topics " + String.join(", ", created));
            }
            return status;
        }
    }

    @Command(
            name = "stop",
            mixinStandardHelpOptions = true,
            description = "Stops the TaskManagers, the JobManager and Kafka by pid (running jobs end; take a savepoint"
                    + " first with 'tickcast stop-job --savepoint').")
    public static final class Stop implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return script("cluster.sh", "stop");
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "What runs, with pids, addresses, the web UI URL, jobs and log files. Exit status 3 if"
                    + " something is stopped.")
    public static final class Status implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return script("cluster.sh", "status");
        }
    }

    @Command(
            name = "add-taskmanager",
            mixinStandardHelpOptions = true,
            description = "Starts one more TaskManager (e.g. to replace a lost one).")
    public static final class AddTaskManager implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return script("flink.sh", "add-taskmanager");
        }
    }

    /** Runs a deploy/bin script with this process's terminal; returns its exit status. */
    public static int script(String name, String... args) throws Exception {
        Path script = projectRoot().resolve("deploy/bin").resolve(name);
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    /** The project directory: $TICKCAST_ROOT, else the working directory or the nearest parent holding deploy/bin. */
    public static Path projectRoot() {
        String env = System.getenv("TICKCAST_ROOT");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/bin/cluster.sh"))) {
                return dir;
            }
        }
        throw new UserException("deploy/bin/cluster.sh not found from "
                + Path.of("").toAbsolutePath() + "; run tickcast from the project directory or set TICKCAST_ROOT");
    }
}
