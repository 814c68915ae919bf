package dev.tickcast.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.TickcastJob;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes {@link UpgradeFixture}'s savepoint with this build. Not part of the normal run: a build that
 * changes the state format first runs this on the build before the change, and commits the result:
 * <pre>mvn -pl e2e -am verify -Dtest=UpgradeFixtureWriter -Dsurefire.failIfNoSpecifiedTests=false
 * -Dtickcast.write-fixtures=NAME</pre>
 * (NAME: the directory under src/test/resources/upgrade). Flink's own migration tests work the same way.
 *
 * <p>At-least-once on purpose: an exactly-once savepoint holds the sink's open Kafka transactions, which
 * only the broker that began them can commit; the restoring test runs against a fresh broker.
 */
@EnabledIfSystemProperty(named = "tickcast.write-fixtures", matches = ".+")
class UpgradeFixtureWriter {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    Path temp;

    @Test
    void savepointAfterTheFirstHalf() throws Exception {
        Path root = UpgradeFixture.root(System.getProperty("tickcast.write-fixtures"));
        assertThat(root)
                .as("fixtures are never overwritten; delete %s first", root)
                .doesNotExist();
        List<Tick> firstHalf = UpgradeFixture.firstHalf(BundledData.read().ticks());
        ModelUpdate model = E2eData.randomModel("upgrade", 1, CellType.LSTM, new int[] {16}, 7);
        long expected = Backtest.run(
                        Model.verify(model), firstHalf, ForecastSettings.DEFAULTS, s -> Long.MIN_VALUE, (t, f) -> {})
                .forecasts();
        Path modelFile = temp.resolve("model.avro");
        ModelFile.write(model, modelFile);

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(UpgradeFixture.topics());
            JobConfig config = JobConfig.fromArgs(Stream.concat(
                            UpgradeFixture.jobArgs(kafka.bootstrapServers(), modelFile, "at-least-once", "fixture")
                                    .stream(),
                            Stream.of("--parallelism", "2"))
                    .toArray(String[]::new));
            JobClient job =
                    JobRunner.start(config, new Configuration(), TickcastJob.initialModels(config), "upgrade-fixture");
            try (ForecastCollector collector =
                    new ForecastCollector(kafka.bootstrapServers(), config.forecastsTopic(), false)) {
                WireCodec<Tick> codec = WireCodec.of(Tick.class);
                KafkaIo.produce(
                        kafka.bootstrapServers(),
                        firstHalf.stream()
                                .map(t -> new ProducerRecord<>(
                                        config.ticksTopic(), WireCodec.key(t.getSymbol()), codec.encode(t)))
                                .toList());
                KafkaIo.await(
                        () -> collector.seen().size() >= expected, Duration.ofMinutes(2), "the first half's forecasts");
                assertThat(collector.seen()).hasSize((int) expected);
                String savepoint = job.stopWithSavepoint(
                                false, temp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                        .get();
                Path source = Path.of(java.net.URI.create(savepoint));
                Path target =
                        root.resolve("savepoint").resolve(source.getFileName().toString());
                Files.createDirectories(target);
                try (Stream<Path> files = Files.walk(source)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        Path to = target.resolve(source.relativize(f).toString());
                        Files.createDirectories(to.getParent());
                        Files.copy(f, to);
                    }
                }
                Files.copy(modelFile, root.resolve("model.avro"));
                System.out.printf("upgrade fixture: %d forecasts, savepoint %s -> %s%n", expected, savepoint, target);
            }
        }
    }
}
