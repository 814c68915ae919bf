package dev.tickcast.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in the calling
 * JVM and listening on 127.0.0.1 only.
 *
 * <p>It is Kafka's production server ({@code KafkaRaftServer}), so transactions, idempotence,
 * {@code read_committed} and compaction behave as on a real cluster, with replication factor 1.
 * Guarantees and limits:
 *
 * <ul>
 *   <li>Data lives in a fresh temporary directory that {@link #close()} deletes (also run from a
 *       JVM shutdown hook, so Ctrl-C leaves nothing behind). Kafka's threads are not daemons:
 *       call {@code close()} or the JVM will not exit on its own.
 *   <li>Time-based retention is off ({@code log.retention.ms=-1}): replayed history stamped in
 *       2013 would otherwise be deleted as soon as it is written.
 *   <li>Topics are never created implicitly; {@link #createTopics} returns only once every
 *       partition has a leader, so producing right away loses nothing.
 *   <li>Storage is formatted with {@code transaction.version=1}, which avoids a spurious
 *       "most likely signals data loss" ERROR when a Flink sink re-commits after recovery.
 *   <li>Kafka logs through SLF4J; this class configures no logging. A fatal metadata fault inside
 *       Kafka halts the JVM, as it does in a standalone broker.
 * </ul>
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);

    private final Path root;
    private final int port;
    private final KafkaRaftServer server;
    private final Thread shutdownHook;
    private volatile Map<String, Object> adminClientProperties = Map.of();
    private boolean closed;

    private EmbeddedKafka(Path root, int port, KafkaRaftServer server) {
        this.root = root;
        this.port = port;
        this.server = server;
        this.shutdownHook = new Thread(this::close, "embedded-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a broker on a free ephemeral port. */
    public static EmbeddedKafka start() {
        return start(0);
    }

    /** Starts a broker on {@code port}, or on a free ephemeral port if {@code port} is 0. */
    public static EmbeddedKafka start(int port) {
        return start(port, Map.of());
    }

    /**
     * Starts a broker on {@code port} (0 picks a free one) with broker properties that override
     * this class's defaults, e.g. {@code transaction.max.timeout.ms}. They apply to formatting too.
     */
    public static EmbeddedKafka start(int port, Map<String, String> brokerOverrides) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (pick a free one) or 1-65535, was " + port);
        }
        int[] ports = freePorts(port);
        Path root;
        try {
            root = Files.createTempDirectory("tickcast-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's temporary data directory", e);
        }
        KafkaRaftServer server = null;
        try {
            Properties props = brokerProperties(root.resolve("data"), ports[0], ports[1]);
            // {port} and {controllerPort} in an override stand for the ports chosen here (e.g. in listeners).
            brokerOverrides.forEach((k, v) -> props.setProperty(
                    k,
                    v.replace("{port}", String.valueOf(ports[0]))
                            .replace("{controllerPort}", String.valueOf(ports[1]))));
            format(root.resolve("server.properties"), props);
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            // Returns once the broker is registered and unfenced, i.e. ready for clients.
            server.startup();
            return new EmbeddedKafka(root, ports[0], server);
        } catch (RuntimeException e) {
            if (server != null) {
                shutdown(server);
            }
            deleteQuietly(root);
            // A port was taken between our check and Kafka's bind; Kafka's message names it.
            Throwable bind = bindFailure(e);
            if (bind != null) {
                throw new IllegalStateException(
                        "Cannot start embedded Kafka: " + bind.getMessage()
                                + " Another process took the port while the broker started: retry, choose"
                                + " another port, or pass 0 for a free one.",
                        e);
            }
            throw e;
        }
    }

    private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule required";

    /**
     * Starts a broker whose client listener requires SASL/PLAIN and authorizes with ACLs (nothing is
     * allowed without one). {@code users} maps user names to passwords and must contain "admin", the
     * super user this class's own admin client (topic creation, {@link #newAdmin()}) signs in as.
     */
    public static EmbeddedKafka startSaslPlain(Map<String, String> users) {
        String adminPassword = users.get("admin");
        if (adminPassword == null) {
            throw new IllegalArgumentException(
                    "users must contain \"admin\" (the super user that creates topics and ACLs)");
        }
        StringBuilder jaas = new StringBuilder(PLAIN_LOGIN + " username=\"admin\" password=\"" + adminPassword + "\"");
        users.forEach((user, password) -> jaas.append(" user_")
                .append(user)
                .append("=\"")
                .append(password)
                .append('"'));
        Map<String, String> broker = new HashMap<>();
        broker.put("listeners", "SASL_PLAINTEXT://" + HOST + ":{port},CONTROLLER://" + HOST + ":{controllerPort}");
        broker.put("advertised.listeners", "SASL_PLAINTEXT://" + HOST + ":{port}");
        broker.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        broker.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        broker.put("sasl.enabled.mechanisms", "PLAIN");
        broker.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        broker.put(
                "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                jaas.append(';').toString());
        broker.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // The controller listener stays PLAINTEXT inside this one process; its principal is ANONYMOUS.
        broker.put("super.users", "User:admin;User:ANONYMOUS");
        broker.put("allow.everyone.if.no.acl.found", "false");
        EmbeddedKafka kafka = start(0, broker);
        Map<String, Object> admin = new HashMap<>(saslPlainClient("admin", adminPassword));
        return kafka.withAdminClientProperties(admin);
    }

    /** The client properties of a SASL/PLAIN user of {@link #startSaslPlain}. */
    public static Map<String, String> saslPlainClient(String user, String password) {
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                PLAIN_LOGIN + " username=\"" + user + "\" password=\"" + password + "\";");
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The temporary directory holding the broker's data and configuration; gone after close. */
    public Path dataDir() {
        return root;
    }

    /** Creates topics with {@code partitions} partitions each and the broker's default configs. */
    public void createTopics(int partitions, String... names) {
        createTopics(partitions, Map.of(), names);
    }

    /**
     * Creates topics with {@code partitions} partitions each and the given topic configs, e.g.
     * {@code Map.of("cleanup.policy", "compact")}.
     */
    public void createTopics(int partitions, Map<String, String> configs, String... names) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1).configs(configs));
        }
        createTopics(topics);
    }

    /**
     * Creates the topics and returns when every partition has a leader that answers. Right after
     * creation a produce can fail with NOT_LEADER_OR_FOLLOWER and lose records; a successful
     * {@code listOffsets} on every partition shows the leaders are serving.
     */
    public void createTopics(Collection<NewTopic> topics) {
        try (Admin admin = admin()) {
            CreateTopicsResult created = admin.createTopics(topics);
            created.all().get();
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            for (NewTopic topic : topics) {
                int count = created.numPartitions(topic.name()).get();
                for (int p = 0; p < count; p++) {
                    partitions.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
                }
            }
            awaitLeaders(admin, partitions);
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /** Shuts the broker down and deletes its data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // Called from the hook itself: nothing to remove.
        }
        shutdown(server);
        deleteQuietly(root);
    }

    /** The broker defaults: everything on 127.0.0.1, replication 1, nothing deleted by age. */
    private static Properties brokerProperties(Path dataDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty(
                "listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        // Dynamic quorum (KIP-853): bootstrap servers plus `format --standalone`, not static voters.
        p.setProperty("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
        p.setProperty("log.dirs", dataDir.toString());
        // Internal topics: one replica, and few partitions so the first group or transaction is fast.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.num.partitions", "1");
        // Replayed data carries old event times; time-based retention would delete it on arrival.
        p.setProperty("log.retention.ms", "-1");
        p.setProperty("auto.create.topics.enable", "false");
        // Consumers in tests should not wait 3 s for more members to join.
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // The cleaner allocates this on the heap at startup (default 128 MB) in the caller's JVM.
        p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        return p;
    }

    /** Formats the storage the way {@code kafka-storage.sh format --standalone} does. */
    private static void format(Path configFile, Properties props) {
        try (Writer w = Files.newBufferedWriter(configFile)) {
            props.store(w, "tickcast embedded broker");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configFile, e);
        }
        String[] args = {
            "format",
            "--standalone",
            "--cluster-id",
            Uuid.randomUuid().toString(),
            "--config",
            configFile.toString(),
            "--feature",
            "transaction.version=1",
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            // execute, never main: main calls Exit.exit and would end the caller's JVM.
            rc = StorageTool.execute(args, ps);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "formatting Kafka storage failed: " + e.getMessage() + "\n" + out.toString(StandardCharsets.UTF_8),
                    e);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting Kafka storage failed with exit code " + rc + ":\n"
                    + out.toString(StandardCharsets.UTF_8));
        }
    }

    /** Polls until every partition's leader answers listOffsets, or fails after a timeout. */
    private static void awaitLeaders(Admin admin, Map<TopicPartition, OffsetSpec> partitions)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + LEADER_TIMEOUT.toNanos();
        while (true) {
            try {
                admin.listOffsets(partitions).all().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    private Admin admin() {
        Map<String, Object> config = new HashMap<>(adminClientProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
        return Admin.create(config);
    }

    /**
     * Client properties this class's own admin client uses (topic creation), for a broker whose listener
     * needs credentials, e.g. SASL settings of a super user. Returns this broker.
     */
    public EmbeddedKafka withAdminClientProperties(Map<String, Object> properties) {
        this.adminClientProperties = Map.copyOf(properties);
        return this;
    }

    /** An admin client with this class's admin properties, for callers that set up ACLs and the like. */
    public Admin newAdmin() {
        return admin();
    }

    /**
     * Returns {@code {brokerPort, controllerPort}}. A requested port is checked first so a clash
     * gives a clear message instead of a half-started server. Ephemeral ports are held open
     * together so the two differ; Kafka binds them a moment later.
     */
    private static int[] freePorts(int requested) {
        InetAddress loopback = loopback();
        if (requested != 0) {
            try {
                new ServerSocket(requested, 1, loopback).close(); // free: release it for Kafka
            } catch (IOException e) {
                throw portTaken(requested, e);
            }
        }
        try (ServerSocket a = new ServerSocket(0, 1, loopback);
                ServerSocket b = new ServerSocket(0, 1, loopback)) {
            return new int[] {requested != 0 ? requested : a.getLocalPort(), b.getLocalPort()};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + HOST, e);
        }
    }

    private static IllegalStateException portTaken(int port, Exception cause) {
        return new IllegalStateException(
                "Cannot start embedded Kafka: port " + port + " on " + HOST
                        + " is already in use (" + cause.getMessage() + "). Stop the process listening there"
                        + " (e.g. `ss -ltnp 'sport = :" + port + "'`), choose another port, or pass 0 for a"
                        + " free one.",
                cause);
    }

    /** The exception wrapping a BindException: Kafka's, which says which host:port failed. */
    private static Throwable bindFailure(Throwable t) {
        for (; t != null && t.getCause() != null; t = t.getCause()) {
            if (t.getCause() instanceof BindException) {
                return t;
            }
        }
        return null;
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName(HOST);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RuntimeException unwrap(ExecutionException e) {
        return e.getCause() instanceof RuntimeException
                ? (RuntimeException) e.getCause()
                : new IllegalStateException(e.getCause());
    }

    private static void shutdown(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private static void deleteQuietly(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            // A leftover temp directory is not worth failing close() for.
        }
    }
}
