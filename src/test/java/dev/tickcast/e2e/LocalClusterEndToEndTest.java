package dev.tickcast.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.cli.cluster.FlinkRest;
import dev.tickcast.job.TickcastJob;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.ForecastState;
import dev.tickcast.model.forecast.GuardSettings;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job on the real local cluster of deploy/ — a Kafka broker process and a Flink standalone cluster
 * (JobManager and two TaskManagers with 2 slots each, RocksDB incremental checkpoints) started by the same
 * scripts as 'tickcast cluster start' — submitted as its shaded jar through Flink's REST API, exactly as
 * 'tickcast submit' does. Forecasts are read back with read_committed and must equal, record for record
 * and bit for bit in per-symbol order, the offline backtest with the same model: none missing, none twice.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterEndToEndTest {

    private static LocalCluster cluster;
    private static List<Tick> ticks;
    private static ModelUpdate model;
    private static Map<String, List<String>> expected;
    private static long expectedForecasts;

    @TempDir
    Path temp;

    @BeforeAll
    static void startCluster() throws Exception {
        ticks = BundledData.read().ticks();
        model = E2eData.randomModel("cluster", 1, CellType.LSTM, new int[] {16}, 7);
        expected = new HashMap<>();
        expectedForecasts = Backtest.run(
                        Model.verify(model),
                        ticks,
                        ForecastSettings.DEFAULTS,
                        s -> Long.MIN_VALUE,
                        (t, f) -> expected.computeIfAbsent(f.getSymbol(), s -> new ArrayList<>())
                                .add(E2eData.describe(f)))
                .forecasts();
        cluster = LocalCluster.start(2);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1) // first: on the fresh 2-TaskManager cluster each TaskManager runs one of the job's 2 subtasks, so the
    // kill hits it
    void killedTaskManagerAndRestartedBrokerLeaveTheForecastsOfAnUncrashedRun() throws Exception {
        String prefix = "crash";
        createTopics(UpgradeFixture.topics(prefix));
        FlinkRest flink = new FlinkRest(cluster.rest());
        String job = flink.submit(jobJar(), TickcastJob.class.getName(), jobArgs(prefix), 2, null);
        try (ForecastCollector collector = new ForecastCollector(cluster.bootstrap(), prefix + ".forecasts", true)) {
            awaitCheckpoint(flink, job);
            // The feed goes on at ~2,000 ticks/s through both failures, as a live feed would.
            PacedProducer feed = PacedProducer.start(cluster.bootstrap(), records(prefix + ".ticks", ticks));

            KafkaIo.await(
                    () -> collector.seen().size() >= 15_000,
                    Duration.ofMinutes(2),
                    "15,000 committed forecasts before the crash");
            // Kill a TaskManager that runs a forecast subtask (its resource id is its script name, taskmanager-N).
            String victim = flink.taskManagersOf(job, "forecast").stream()
                    .filter(id -> id.startsWith("taskmanager-"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no TaskManager of the job found over REST"));
            cluster.killTaskManager(Integer.parseInt(victim.substring("taskmanager-".length())));
            cluster.addTaskManager();
            System.out.printf(
                    "cluster e2e: %s killed with %d forecasts committed, %d ticks sent%n",
                    victim, collector.seen().size(), feed.sent());
            // The crash must have hit the job: half its subtasks ran there (slots are spread over TaskManagers).
            KafkaIo.await(() -> restarts(flink, job) >= 1, Duration.ofMinutes(1), "the job restarting after the crash");

            KafkaIo.await(
                    () -> collector.seen().size() >= 50_000,
                    Duration.ofMinutes(2),
                    "50,000 committed forecasts before the broker restart");
            cluster.restartKafka();
            System.out.printf(
                    "cluster e2e: Kafka restarted with %d forecasts committed, %d ticks sent%n",
                    collector.seen().size(), feed.sent());

            feed.await(Duration.ofMinutes(2));
            KafkaIo.await(
                    () -> collector.seen().size() >= expectedForecasts,
                    Duration.ofMinutes(3),
                    "every forecast committed");
            Thread.sleep(4000); // a few more checkpoints: nothing may arrive twice
            System.out.printf(
                    "cluster e2e: %d forecasts, job restarted %d times%n",
                    collector.seen().size(), restarts(flink, job));
            assertEqualToTheBacktest(committed(prefix + ".forecasts")); // the topic itself, read afresh
        } finally {
            flink.cancel(job);
        }
    }

    /**
     * A real upgrade: the savepoint an older build took (state format 1, 3 or 6, parallelism 2, heap state; see
     * {@link UpgradeFixture}) restores in this build at parallelism 3 on RocksDB; then this build stops with a
     * savepoint and restores at parallelism 2. The second half's forecasts must equal a run that never stopped: the
     * older build's over the first half, this build's over the second, every symbol's hidden state, rings and pending
     * forecast carried over both times (and the guard, which the older build did not have, started from the rings).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {UpgradeFixture.V1, UpgradeFixture.V3, UpgradeFixture.V6})
    @Order(2)
    void anOlderBuildsSavepointRestoresAtParallelism3ThenAStopWithSavepointAtParallelism2LikeAnUninterruptedRun(
            String fixture) throws Exception {
        ModelUpdate oldModel = UpgradeFixture.model(fixture);
        List<Tick> firstHalf = UpgradeFixture.firstHalf(ticks);
        List<Tick> secondHalf = UpgradeFixture.secondHalf(ticks);
        int quarter = secondHalf.size() / 2;
        Set<Tick> thirdQuarter = Collections.newSetFromMap(new IdentityHashMap<>());
        thirdQuarter.addAll(secondHalf.subList(0, quarter));
        Map<String, List<String>> expectedAfter = new HashMap<>();
        AtomicLong expectedThirdQuarter = new AtomicLong();
        // The older build served the model's forecasts as they were (no guard) and its state has no guard evidence:
        // restored, each symbol's guard starts from what its ring of recent inputs shows, as after a model swap.
        // So: the first half as that build ran it, the state as this build reads that build's format (the Avro
        // SymbolState has the same fields as format 1), then the second half as this build runs it.
        // The build of format 6 had the guard and the model line: its state is this build's but for the pending
        // forecasts of longer horizons and their calibration, which the one-step forecasts compared here never read.
        boolean hadGuard = fixture.equals(UpgradeFixture.V6);
        Model served = Model.verify(oldModel);
        Map<String, ForecastState> states = new HashMap<>();
        Backtest.runWithModels(
                i -> served,
                firstHalf,
                hadGuard ? ForecastSettings.DEFAULTS : ForecastSettings.DEFAULTS.withGuard(GuardSettings.OFF),
                s -> Long.MIN_VALUE,
                (t, f) -> {},
                states);
        if (!hadGuard) {
            states.replaceAll((symbol, state) -> {
                ForecastState restored = ForecastState.fromRecord(state.toRecord(), ForecastSettings.DEFAULTS);
                restored.assumeLine(served.line()); // as the job does: the record names no line, the job served one
                return restored;
            });
        }
        Backtest.runWithModels(
                i -> served,
                secondHalf,
                ForecastSettings.DEFAULTS,
                s -> Long.MIN_VALUE,
                (t, f) -> {
                    expectedAfter
                            .computeIfAbsent(f.getSymbol(), s -> new ArrayList<>())
                            .add(E2eData.describe(f));
                    expectedThirdQuarter.addAndGet(thirdQuarter.contains(t) ? 1 : 0);
                },
                states);
        long expectedAfterCount =
                expectedAfter.values().stream().mapToLong(List::size).sum();

        deleteTopicsIfPresent(UpgradeFixture.topics()); // the fixture before's run used the same names
        createTopics(UpgradeFixture.topics());
        // The restored source resumes at the older run's offsets: the same records must sit there.
        KafkaIo.produce(cluster.bootstrap(), records(UpgradeFixture.PREFIX + ".ticks", firstHalf));
        FlinkRest flink = new FlinkRest(cluster.rest());
        List<String> args = UpgradeFixture.jobArgs(
                cluster.bootstrap(), UpgradeFixture.modelFile(fixture).toAbsolutePath(), "exactly-once", "upgrade");
        String oldSavepoint = "file:" + UpgradeFixture.savepoint(fixture).toAbsolutePath();
        String job = flink.submit(jobJar(), TickcastJob.class.getName(), args, 3, oldSavepoint);
        try (ForecastCollector collector =
                new ForecastCollector(cluster.bootstrap(), UpgradeFixture.PREFIX + ".forecasts", true)) {
            assertThat(flink.parallelism(job)).isEqualTo(3);
            KafkaIo.produce(
                    cluster.bootstrap(), records(UpgradeFixture.PREFIX + ".ticks", secondHalf.subList(0, quarter)));
            KafkaIo.await(
                    () -> collector.seen().size() >= expectedThirdQuarter.get(),
                    Duration.ofMinutes(2),
                    "the third quarter's forecasts");

            String savepoint = flink.stopWithSavepoint(job, null, Duration.ofMinutes(2));
            assertThat(savepoint).startsWith("file:" + cluster.home());
            job = flink.submit(jobJar(), TickcastJob.class.getName(), args, 2, savepoint);
            assertThat(flink.parallelism(job)).isEqualTo(2);
            System.out.printf(
                    "cluster e2e: %s savepoint restored at parallelism 3, %d forecasts, stopped with savepoint"
                            + " %s, restored at 2%n",
                    fixture, collector.seen().size(), savepoint);

            KafkaIo.produce(
                    cluster.bootstrap(),
                    records(UpgradeFixture.PREFIX + ".ticks", secondHalf.subList(quarter, secondHalf.size())));
            KafkaIo.await(
                    () -> collector.seen().size() >= expectedAfterCount,
                    Duration.ofMinutes(3),
                    "every forecast committed");
            Thread.sleep(4000);
            assertEqualTo(expectedAfter, expectedAfterCount, committed(UpgradeFixture.PREFIX + ".forecasts"));
        } finally {
            if (!flink.state(job).equals("FINISHED")) {
                flink.cancel(job);
            }
            String stopped = job;
            KafkaIo.await( // the next fixture's run reuses the topics and the slots
                    () -> {
                        try {
                            return List.of("CANCELED", "FINISHED", "FAILED").contains(flink.state(stopped));
                        } catch (IOException e) {
                            return false;
                        }
                    },
                    Duration.ofMinutes(1),
                    "the job stopped");
        }
    }

    private static List<Forecast> committed(String topic) throws Exception {
        WireCodec<Forecast> codec = WireCodec.of(Forecast.class);
        List<Forecast> forecasts = new ArrayList<>();
        for (var r : KafkaIo.readAllCommitted(cluster.bootstrap(), topic)) {
            forecasts.add(codec.decode(r.value()));
        }
        return forecasts;
    }

    private static void assertEqualToTheBacktest(List<Forecast> forecasts) {
        assertEqualTo(expected, expectedForecasts, forecasts);
    }

    private static void assertEqualTo(
            Map<String, List<String>> expected, long expectedForecasts, List<Forecast> forecasts) {
        Map<String, List<String>> actual = forecasts.stream()
                .collect(Collectors.groupingBy(
                        Forecast::getSymbol, Collectors.mapping(E2eData::describe, Collectors.toList())));
        long distinct = forecasts.stream()
                .map(f -> f.getSymbol() + "@" + f.getEventTime())
                .distinct()
                .count();
        assertThat(forecasts)
                .as("%d forecasts, %d of distinct ticks", forecasts.size(), distinct)
                .hasSize((int) expectedForecasts);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (String symbol : expected.keySet()) {
            assertThat(actual.get(symbol))
                    .as("forecasts of %s, in order", symbol)
                    .containsExactlyElementsOf(expected.get(symbol));
        }
    }

    private List<String> jobArgs(String prefix) throws IOException {
        Path modelFile = temp.resolve(prefix + "-model.avro");
        ModelFile.write(model, modelFile);
        return UpgradeFixture.jobArgs(
                prefix, cluster.bootstrap(), modelFile, model.getModelName(), "exactly-once", prefix);
    }

    /** Creates the topics, then waits until every partition's leader answers (else the first records can be lost). */
    private static void deleteTopicsIfPresent(List<NewTopic> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
            List<String> names = topics.stream().map(NewTopic::name).toList();
            List<String> present = names.stream()
                    .filter(admin.listTopics().names().get()::contains)
                    .toList();
            if (present.isEmpty()) {
                return;
            }
            admin.deleteTopics(present).all().get();
            KafkaIo.await(
                    () -> {
                        try {
                            return admin.listTopics().names().get().stream().noneMatch(names::contains);
                        } catch (Exception e) {
                            return false;
                        }
                    },
                    Duration.ofSeconds(30),
                    "the previous run's topics deleted");
        }
    }

    private static void createTopics(List<NewTopic> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
            admin.createTopics(topics).all().get();
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            for (NewTopic t : topics) {
                for (int p = 0; p < t.numPartitions(); p++) {
                    partitions.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
                }
            }
            KafkaIo.await(
                    () -> {
                        try {
                            admin.listOffsets(partitions).all().get();
                            return true;
                        } catch (Exception e) {
                            return false;
                        }
                    },
                    Duration.ofSeconds(30),
                    "leaders of the new topics");
        }
    }

    private static void awaitCheckpoint(FlinkRest flink, String job) throws InterruptedException {
        KafkaIo.await(
                () -> {
                    try {
                        return flink.completedCheckpoints(job) > 0;
                    } catch (IOException e) {
                        return false;
                    }
                },
                Duration.ofMinutes(2),
                "the job running with a first completed checkpoint");
    }

    private static long restarts(FlinkRest flink, String job) {
        try {
            return flink.restarts(job);
        } catch (IOException e) {
            return -1;
        }
    }

    private static Path jobJar() throws IOException {
        try (Stream<Path> jars = Files.list(Path.of("../job/target"))) {
            return jars.filter(p -> p.getFileName().toString().matches("tickcast-job-.*-flink\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no shaded job jar in job/target: 'mvn package' builds it"));
        }
    }

    private static List<ProducerRecord<byte[], byte[]>> records(String topic, List<Tick> ticks) {
        WireCodec<Tick> codec = WireCodec.of(Tick.class);
        return ticks.stream()
                .map(t -> new ProducerRecord<>(topic, WireCodec.key(t.getSymbol()), codec.encode(t)))
                .toList();
    }

    /**
     * Sends records in order at a steady pace from a background thread, with an idempotent producer that
     * rides out a broker restart (it buffers and retries; per-partition order is kept).
     */
    static final class PacedProducer {
        private final Thread thread;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile int sent;

        private PacedProducer(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) {
            thread = new Thread(
                    () -> {
                        Properties p = new Properties();
                        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                        p.put(ProducerConfig.ACKS_CONFIG, "all");
                        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
                        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
                        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000");
                        try (KafkaProducer<byte[], byte[]> producer =
                                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                            for (int i = 0; i < records.size(); i++) {
                                producer.send(records.get(i), (meta, e) -> {
                                    if (e != null) {
                                        failure.compareAndSet(null, e);
                                    }
                                });
                                sent = i + 1;
                                if (i % 500 == 499) {
                                    Thread.sleep(250);
                                }
                            }
                            producer.flush();
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    },
                    "paced-producer");
            thread.setDaemon(true);
        }

        static PacedProducer start(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) {
            PacedProducer p = new PacedProducer(bootstrap, records);
            p.thread.start();
            return p;
        }

        int sent() {
            return sent;
        }

        void await(Duration timeout) throws InterruptedException {
            thread.join(timeout.toMillis());
            assertThat(thread.isAlive())
                    .as("feed still sending after %s", timeout)
                    .isFalse();
            assertThat(failure.get()).as("feed failure").isNull();
        }
    }
}
