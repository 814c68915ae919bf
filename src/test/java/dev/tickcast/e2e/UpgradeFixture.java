package dev.tickcast.e2e;

import dev.tickcast.model.file.ModelFile;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A savepoint taken by an older tickcast build, committed under {@code src/test/resources/upgrade/}:
 * the job ran the first half of the bundled feed from topics named {@code upgrade.*} at parallelism 2,
 * then stopped with a savepoint. {@link UpgradeFixtureWriter} made it; {@code README.md} there says with
 * which build. A newer build must restore it and continue as if never stopped.
 *
 * <p>To restore it against a fresh broker, the ticks topic must hold the same first half at the same
 * offsets: the same topics, partitions and records, produced in the same order ({@link #topics()},
 * {@link #firstHalf}).
 */
final class UpgradeFixture {

    static final String PREFIX = "upgrade";

    /** The older build's savepoint: state format 1 (before the interval coverage counts). */
    static final String V1 = "state-v1";

    /** The savepoint of the build before the guard: state format 3, the job's packages already split. */
    static final String V3 = "state-v3";

    /** The savepoint of the build before horizons: state format 6, with model lines, the guard and challengers. */
    static final String V6 = "state-v6";

    private UpgradeFixture() {}

    static Path root(String build) {
        for (Path candidate :
                new Path[] {Path.of("../src/test/resources/upgrade"), Path.of("src/test/resources/upgrade")}) {
            if (Files.isDirectory(candidate)) {
                return candidate.resolve(build);
            }
        }
        throw new IllegalStateException(
                "src/test/resources/upgrade not found from " + Path.of("").toAbsolutePath());
    }

    static Path modelFile(String build) {
        return root(build).resolve("model.avro");
    }

    static ModelUpdate model(String build) throws Exception {
        return ModelFile.read(modelFile(build));
    }

    /** The savepoint directory (the one holding {@code _metadata}). */
    static Path savepoint(String build) throws IOException {
        try (Stream<Path> dirs = Files.list(root(build).resolve("savepoint"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("_metadata")))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no savepoint with _metadata under " + root(build)));
        }
    }

    static List<Tick> firstHalf(List<Tick> ticks) {
        return ticks.subList(0, ticks.size() / 2);
    }

    static List<Tick> secondHalf(List<Tick> ticks) {
        return ticks.subList(ticks.size() / 2, ticks.size());
    }

    static List<NewTopic> topics() {
        return topics(PREFIX);
    }

    /**
     * The job's topics as the cluster tests create them: 3 tick partitions, 2 for each output, a compacted models
     * topic.
     */
    static List<NewTopic> topics(String prefix) {
        List<NewTopic> topics = new ArrayList<>();
        topics.add(new NewTopic(prefix + ".ticks", 3, (short) 1));
        for (String name : List.of("forecasts", "evaluations", "deadletters")) {
            topics.add(new NewTopic(prefix + "." + name, 2, (short) 1));
        }
        topics.add(
                new NewTopic(prefix + ".models", 1, (short) 1).configs(java.util.Map.of("cleanup.policy", "compact")));
        return topics;
    }

    /** The job's options; {@code delivery} differs: the fixture was taken at-least-once (see the writer). */
    static List<String> jobArgs(String bootstrap, Path modelFile, String delivery, String transactionalIdPrefix) {
        return jobArgs(PREFIX, bootstrap, modelFile, PREFIX, delivery, transactionalIdPrefix);
    }

    /**
     * The job's options as the cluster tests run it: the {@link #topics(String)}, checkpoints every second, serving the
     * model line of the model file.
     */
    static List<String> jobArgs(
            String prefix,
            String bootstrap,
            Path modelFile,
            String modelLine,
            String delivery,
            String transactionalIdPrefix) {
        return List.of(
                "--bootstrap",
                bootstrap,
                "--topic.ticks",
                prefix + ".ticks",
                "--topic.forecasts",
                prefix + ".forecasts",
                "--topic.evaluations",
                prefix + ".evaluations",
                "--topic.models",
                prefix + ".models",
                "--topic.deadletters",
                prefix + ".deadletters",
                "--checkpoint-interval",
                "1 s",
                "--starting-offsets",
                "earliest",
                "--delivery",
                delivery,
                "--transactional-id-prefix",
                transactionalIdPrefix,
                "--model",
                modelFile.toString(),
                "--model-line",
                modelLine);
    }
}
