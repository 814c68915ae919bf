package dev.tickcast.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real local cluster of deploy/ (a Kafka broker process and a Flink standalone cluster), driven through
 * its scripts exactly as 'tickcast cluster' drives them, on free ports and in a temporary state directory.
 * {@link #close()} stops every process by pid and deletes the directory (kept, with its logs, when the system
 * property {@code tickcast.keep-cluster} is set); a shutdown hook does the same if the test JVM is ended early.
 */
final class LocalCluster implements AutoCloseable {

    private final Path root;
    private final Path home;
    private final Map<String, String> env;
    private final int kafkaPort;
    private final int restPort;
    private final Thread cleanup = new Thread(this::stopQuietly, "local-cluster-cleanup");

    private LocalCluster(Path root, Path home, int[] ports) {
        this.root = root;
        this.home = home;
        this.kafkaPort = ports[0];
        this.restPort = ports[2];
        this.env = Map.of(
                "TICKCAST_HOME",
                home.toString(),
                "TICKCAST_KAFKA_PORT",
                String.valueOf(ports[0]),
                "TICKCAST_KAFKA_CONTROLLER_PORT",
                String.valueOf(ports[1]),
                "TICKCAST_FLINK_REST_PORT",
                String.valueOf(ports[2]),
                "TICKCAST_FLINK_RPC_PORT",
                String.valueOf(ports[3]),
                "TICKCAST_FLINK_SLOTS",
                "2");
    }

    /** Starts Kafka, a JobManager and {@code taskManagers} TaskManagers with 2 slots each. */
    static LocalCluster start(int taskManagers) throws Exception {
        LocalCluster cluster =
                new LocalCluster(projectRoot(), Files.createTempDirectory("tickcast-cluster-"), freePorts(4));
        Runtime.getRuntime().addShutdownHook(cluster.cleanup);
        try {
            cluster.run("cluster.sh", "start", "--taskmanagers", String.valueOf(taskManagers));
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    String rest() {
        return "http://127.0.0.1:" + restPort;
    }

    Path home() {
        return home;
    }

    /** kill -9 of one TaskManager (by its number), as a crash. */
    void killTaskManager(int number) throws Exception {
        run("flink.sh", "kill-taskmanager", String.valueOf(number));
    }

    void addTaskManager() throws Exception {
        run("flink.sh", "add-taskmanager");
    }

    /** Stops the broker process (SIGTERM, by pid) and starts it again on the same data and port. */
    void restartKafka() throws Exception {
        run("kafka.sh", "stop");
        run("kafka.sh", "start");
    }

    /** Runs a deploy/bin script with this cluster's settings; fails with its output if it fails. */
    String run(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of("bash", root.resolve("deploy/bin").resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
        }
        System.out.print(out);
        return out;
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private void stopQuietly() {
        try {
            run("cluster.sh", "stop");
        } catch (Exception | AssertionError e) {
            System.err.println("stopping the local cluster: " + e.getMessage());
        }
        if (System.getProperty("tickcast.keep-cluster") != null) {
            System.err.println("local cluster stopped; its logs and state are kept in " + home);
            return;
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + home + ": " + e.getMessage());
        }
    }

    private static Path projectRoot() {
        for (Path candidate : new Path[] {
            Path.of("..").toAbsolutePath().normalize(), Path.of("").toAbsolutePath()
        }) {
            if (Files.isRegularFile(candidate.resolve("deploy/bin/cluster.sh"))) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "deploy/bin/cluster.sh not found from " + Path.of("").toAbsolutePath());
    }

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }
}
