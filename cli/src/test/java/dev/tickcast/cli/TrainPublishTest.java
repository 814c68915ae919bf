package dev.tickcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.model.data.TickCsv;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The trainer as a service, against a real broker: versions, the publish gate, --force, training from the topic, pin/unpin. */
class TrainPublishTest {

    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    private static String newTopic() {
        String topic = "models-" + UUID.randomUUID();
        kafka.createTopics(1, java.util.Map.of("cleanup.policy", "compact"), topic);
        return topic;
    }

    /** One symbol whose log returns are AR(1) with φ (φ = 0: a random walk, where the naive forecast is optimal). */
    private Path csv(String name, int ticks, double phi, long seed) throws Exception {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>(List.of(TickCsv.HEADER));
        double price = 100;
        double r = 0;
        Instant t0 = Instant.parse("2022-01-03T00:00:00Z");
        for (int i = 0; i < ticks; i++) {
            r = phi * r + 0.01 * random.nextGaussian();
            price *= Math.exp(r);
            lines.add("SYN," + t0.plusSeconds(60L * i) + "," + price + ",");
        }
        Path file = dir.resolve(name);
        Files.write(file, lines);
        return file;
    }

    private String[] train(Path data, String topic, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--hidden", "4", "--window", "50", "--batch", "8",
                "--publish", "--bootstrap", kafka.bootstrapServers(), "--models-topic", topic, "--out", dir.resolve("m.avro").toString()));
        args.addAll(List.of(extra));
        return args.toArray(new String[0]);
    }

    @Test
    void modelThatLosesToNaiveIsNotPublishedUnlessForcedAndVersionsIncrease() throws Exception {
        String topic = newTopic();
        Path randomWalk = csv("walk.csv", 600, 0.0, 1L);

        CliRun refused = run(train(randomWalk, topic, "--epochs", "1", "--learning-rate", "0.05"));
        assertThat(refused.exitCode()).as(refused.err()).isZero();
        assertThat(refused.out()).contains("Gate: new model MSE", "vs naive", "NOT PUBLISHED (worse than the naive last-price forecast)",
                "Not published");
        assertThat(new ModelsTopic(KafkaConnection.plain(kafka.bootstrapServers()), topic).published("default")).isEmpty();

        CliRun forced = run(train(randomWalk, topic, "--epochs", "1", "--learning-rate", "0.05", "--force"));
        assertThat(forced.out()).contains("Published v1", "--force overrode the gate");
        CliRun again = run(train(randomWalk, topic, "--epochs", "1", "--learning-rate", "0.05", "--force"));
        assertThat(again.out()).contains("published: v1", "warm-started from published v1", "Published v2");

        List<ModelUpdate> published = new ModelsTopic(KafkaConnection.plain(kafka.bootstrapServers()), topic).published("default");
        assertThat(published).extracting(ModelUpdate::getVersion).containsExactly(1L, 2L);
        CliRun list = run("model", "list", "--bootstrap", kafka.bootstrapServers(), "--models-topic", topic);
        assertThat(list.out()).contains("v1 ", "v2 ");
    }

    @Test
    void modelThatBeatsNaiveAndThePublishedOneIsPublished() throws Exception {
        String topic = newTopic();
        Path ar1 = csv("ar1.csv", 4000, 0.6, 2L);
        CliRun first = run(train(ar1, topic, "--epochs", "4", "--learning-rate", "0.01"));
        assertThat(first.out()).as(first.out()).contains("PUBLISH (beats naive; nothing published yet)", "Published v1");

        ModelUpdate v1 = new ModelsTopic(KafkaConnection.plain(kafka.bootstrapServers()), topic).latest("default");
        assertThat(v1.getVersion()).isEqualTo(1L);
        assertThat(v1.getValidation().getSkill()).isGreaterThan(0.1);
    }

    @Test
    void trainsFromTheTicksTopicWithABoundedRead() throws Exception {
        String ticksTopic = "ticks-" + UUID.randomUUID();
        kafka.createTopics(2, ticksTopic);
        List<Tick> ticks = TickCsv.read(csv("topic.csv", 800, 0.3, 3L)).ticks();
        try (TickProducer producer = new TickProducer(KafkaConnection.plain(kafka.bootstrapServers()), ticksTopic)) {
            ticks.forEach(producer::send);
            producer.send("SYN", "garbage".getBytes(StandardCharsets.UTF_8));
            producer.flush();
        }
        CliRun run = run("train", "--from-topic", ticksTopic, "--bootstrap", kafka.bootstrapServers(), "--hidden", "4", "--window", "50",
                "--epochs", "1", "--out", dir.resolve("t.avro").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("on 800 ticks from kafka:" + ticksTopic);
        assertThat(run.err()).contains("1 record(s) that are not usable ticks skipped", "NOT_AVRO");
    }

    @Test
    void pinAndUnpinWriteControlRecordsUnderTheControlKey() throws Exception {
        String topic = newTopic();
        assertThat(run("model", "pin", "3", "--reason", "drift", "--bootstrap", kafka.bootstrapServers(), "--models-topic", topic)
                .exitCode()).isZero();
        assertThat(run("model", "unpin", "--bootstrap", kafka.bootstrapServers(), "--models-topic", topic).exitCode()).isZero();

        List<ModelControl> controls = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        BoundedTopicReader.read(KafkaConnection.plain(kafka.bootstrapServers()), topic, r -> {
            keys.add(new String(r.key(), StandardCharsets.UTF_8));
            try {
                controls.add(WireCodec.of(ModelControl.class).decode(r.value()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(keys).containsExactly("default#control", "default#control");
        assertThat(controls).extracting(ModelControl::getAction).containsExactly(ModelAction.PIN, ModelAction.UNPIN);
        assertThat(controls.get(0).getVersion()).isEqualTo(3L);
        assertThat(controls.get(0).getReason()).isEqualTo("drift");
    }
}
