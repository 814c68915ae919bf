package dev.tickcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.cli.kafka.BoundedTopicReader;
import dev.tickcast.cli.kafka.KafkaConnection;
import dev.tickcast.cli.kafka.ModelsTopic;
import dev.tickcast.cli.kafka.TickProducer;
import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.job.serving.ModelAdmission;
import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.model.data.TickCsv;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer as a service, against a real broker: versions, the publish gate, --force, training from the topic,
 * pin/unpin.
 */
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

    private static ModelsTopic models(String topic) {
        return new ModelsTopic(KafkaConnection.plain(kafka.bootstrapServers()), topic);
    }

    private static ModelUpdate newest(String topic) {
        return models(topic).replay(ModelAdmission.unsigned("default")).newest();
    }

    private String[] train(Path data, String topic, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                data.toString(),
                "--hidden",
                "4",
                "--window",
                "50",
                "--batch",
                "8",
                "--publish",
                "--bootstrap",
                kafka.bootstrapServers(),
                "--models-topic",
                topic,
                "--out",
                dir.resolve("m.avro").toString()));
        args.addAll(List.of(extra));
        return args.toArray(new String[0]);
    }

    @Test
    void modelThatLosesToNaiveIsNotPublishedUnlessForcedAndVersionsIncrease() throws Exception {
        String topic = newTopic();
        Path randomWalk = csv("walk.csv", 600, 0.0, 1L);

        CliRun refused = run(train(randomWalk, topic, "--epochs", "1", "--learning-rate", "0.05"));
        assertThat(refused.exitCode()).as(refused.err()).isZero();
        assertThat(refused.out())
                .contains(
                        "Gate: new model MSE",
                        "vs naive",
                        "NOT PUBLISHED (worse than the naive last-price forecast)",
                        "Not published");
        assertThat(models(topic).replay(ModelAdmission.unsigned("default")).verdicts())
                .isEmpty();

        CliRun forced = run(train(randomWalk, topic, "--epochs", "1", "--learning-rate", "0.05", "--force"));
        assertThat(forced.out()).contains("Published v1", "--force overrode the gate");
        CliRun again = run(train(randomWalk, topic, "--epochs", "1", "--learning-rate", "0.05", "--force"));
        assertThat(again.out()).contains("published: v1", "warm-started from published v1", "Published v2");

        List<ModelsTopic.Verdict> published =
                models(topic).replay(ModelAdmission.unsigned("default")).verdicts();
        assertThat(published).extracting(ModelsTopic.Verdict::version).containsExactly(1L, 2L);
        CliRun list = run("model", "list", "--bootstrap", kafka.bootstrapServers(), "--models-topic", topic);
        assertThat(list.out()).contains("v1 ", "v2 ");
    }

    @Test
    void modelThatBeatsNaiveAndThePublishedOneIsPublished() throws Exception {
        String topic = newTopic();
        Path ar1 = csv("ar1.csv", 4000, 0.6, 2L);
        CliRun first = run(train(ar1, topic, "--epochs", "4", "--learning-rate", "0.01"));
        assertThat(first.out())
                .as(first.out())
                .contains("PUBLISH (beats naive; nothing published yet)", "Published v1");

        ModelUpdate v1 = newest(topic);
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
        CliRun run = run(
                "train",
                "--from-topic",
                ticksTopic,
                "--bootstrap",
                kafka.bootstrapServers(),
                "--hidden",
                "4",
                "--window",
                "50",
                "--epochs",
                "1",
                "--out",
                dir.resolve("t.avro").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("on 800 ticks from kafka:" + ticksTopic);
        assertThat(run.err()).contains("1 record(s) that are not usable ticks skipped", "NOT_AVRO");

        // The topic is kept forever: --max-ticks bounds what the trainer holds, the newest records first.
        CliRun bounded = run(
                "train",
                "--from-topic",
                ticksTopic,
                "--bootstrap",
                kafka.bootstrapServers(),
                "--hidden",
                "4",
                "--window",
                "50",
                "--epochs",
                "1",
                "--max-ticks",
                "301",
                "--out",
                dir.resolve("t2.avro").toString());
        assertThat(bounded.exitCode()).as(bounded.err()).isZero();
        assertThat(bounded.out())
                .contains("on 300 ticks from kafka:" + ticksTopic); // the newest 301 records: 300 ticks, the garbage
        assertThat(bounded.err()).contains("about 500 older record(s) left out by --max-ticks 301");
        CliRun recent = run(
                "train",
                "--from-topic",
                ticksTopic,
                "--bootstrap",
                kafka.bootstrapServers(),
                "--since",
                "1h",
                "--out",
                dir.resolve("t3.avro").toString(),
                "--hidden",
                "4",
                "--window",
                "50",
                "--epochs",
                "1");
        assertThat(recent.out()).as(recent.err()).contains("on 800 ticks"); // all were written in the last hour
        assertThat(recent.err()).doesNotContain("left out");
        CliRun ancient = run(
                "train",
                "--from-topic",
                ticksTopic,
                "--bootstrap",
                kafka.bootstrapServers(),
                "--since",
                "1000000d",
                "--out",
                dir.resolve("t4.avro").toString(),
                "--hidden",
                "4",
                "--window",
                "50",
                "--epochs",
                "1");
        assertThat(ancient.out()).as(ancient.err()).contains("on 800 ticks"); // before 1970: everything Kafka has
        CliRun misused = run("train", "--data", dir.resolve("topic.csv").toString(), "--since", "1h");
        assertThat(misused.exitCode()).isEqualTo(2);
        assertThat(misused.err()).contains("--since and --max-ticks bound --from-topic");
    }

    @Test
    void theTrainerTakesFromTheTopicOnlyWhatTheJobWouldServe() throws Exception {
        String topic = newTopic();
        Path keys = dir.resolve("keys");
        assertThat(run("keygen", "--out", keys.toString()).exitCode()).isZero();
        String signingKey = keys.resolve("tickcast-signing.key").toString();
        Path walk = csv("walk.csv", 600, 0.0, 1L);
        CliRun first = run(train(walk, topic, "--epochs", "1", "--force", "--signing-key", signingKey));
        assertThat(first.out()).as(first.err()).contains("Published v1");

        // A writer without the key publishes v2 (unsigned), and a model of another line under this line's key.
        ModelUpdate v1 = newest(topic);
        models(topic)
                .publish(ModelUpdate.newBuilder(v1)
                        .setVersion(2)
                        .setSigner(null)
                        .setSignature(null)
                        .build());
        CliRun second = run(train(walk, topic, "--epochs", "1", "--force", "--signing-key", signingKey));
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.err()).contains("skipped the record at partition 0 offset 1 (SIGNATURE");
        // Warm-started from the signed v1 and numbered after it: the unsigned v2 was neither used nor signed over.
        assertThat(second.out()).contains("published: v1", "warm-started from published v1", "Published v2");

        CliRun list = run(
                "model",
                "list",
                "--bootstrap",
                kafka.bootstrapServers(),
                "--models-topic",
                topic,
                "--trusted-keys",
                keys.resolve("tickcast-signing.pub").toString());
        assertThat(list.out())
                .containsPattern("0 +v1 .* admitted")
                .containsPattern("1 +v2 .* refused: SIGNATURE")
                .containsPattern("2 +v2 .* admitted");
        CliRun unsignedList = run("model", "list", "--bootstrap", kafka.bootstrapServers(), "--models-topic", topic);
        assertThat(unsignedList.out())
                .containsPattern("2 +v2 .* refused: VERSION"); // without keys the unsigned v2 came first

        // A job with --trusted-keys applies only signed controls: pin and unpin sign with --signing-key.
        assertThat(run(
                                "model",
                                "pin",
                                "1",
                                "--bootstrap",
                                kafka.bootstrapServers(),
                                "--models-topic",
                                topic,
                                "--signing-key",
                                signingKey)
                        .exitCode())
                .isZero();
        List<ModelControl> controls = new ArrayList<>();
        BoundedTopicReader.read(KafkaConnection.plain(kafka.bootstrapServers()), topic, r -> {
            if (new String(r.key(), StandardCharsets.UTF_8).endsWith("#control")) {
                try {
                    controls.add(WireCodec.of(ModelControl.class).decode(r.value()));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        });
        dev.tickcast.model.file.ModelSigning.verify(
                controls.get(0),
                dev.tickcast.model.file.ModelSigning.trusted(
                        List.of(dev.tickcast.model.file.ModelSigning.readPublicKey(keys.resolve("tickcast-signing.pub"))
                                .getEncoded())));
    }

    @Test
    void turningSigningOnAfterUnsignedModelsNeedsAnExplicitVersion() throws Exception {
        String topic = newTopic();
        Path walk = csv("walk.csv", 600, 0.0, 1L);
        assertThat(run(train(walk, topic, "--epochs", "1", "--force")).out()).contains("Published v1");
        assertThat(run(train(walk, topic, "--epochs", "1", "--force")).out()).contains("Published v2");
        Path keys = dir.resolve("keys");
        assertThat(run("keygen", "--out", keys.toString()).exitCode()).isZero();
        String signingKey = keys.resolve("tickcast-signing.key").toString();

        // A job that served the unsigned v2 holds it (in its savepoint): a signed v1 would be refused there, so no
        // guess.
        CliRun guessed = run(train(walk, topic, "--epochs", "1", "--force", "--signing-key", signingKey));
        assertThat(guessed.exitCode()).isEqualTo(2);
        assertThat(guessed.err())
                .contains("holds v2 of line 'default', refused here for its signature", "--model-version 3");
        assertThat(newest(topic).getVersion()).isEqualTo(2L);

        // A version given, but not above the one a job may hold: published (the operator decides), with a warning.
        CliRun tooLow = run(
                train(walk, topic, "--epochs", "1", "--force", "--signing-key", signingKey, "--model-version", "2"));
        assertThat(tooLow.out()).as(tooLow.err()).contains("Published v2 ").doesNotContain("warm-started");
        assertThat(tooLow.err()).contains("warning: ", "publish with --model-version 3 or higher");
        CliRun given = run(
                train(walk, topic, "--epochs", "1", "--force", "--signing-key", signingKey, "--model-version", "3"));
        assertThat(given.out()).as(given.err()).contains("warm-started from published v2", "Published v3 ");
        assertThat(given.err()).doesNotContain("warning: ");
        assertThat(newest(topic).getSigner()).isNotNull();

        // Signed from here on, but someone without the key slips in an unsigned v9 (a job with keys refuses it too):
        // the
        // trainer warns, and numbers after its own newest.
        models(topic)
                .publish(ModelUpdate.newBuilder(newest(topic))
                        .setVersion(9)
                        .setSigner(null)
                        .setSignature(null)
                        .build());
        CliRun after = run(train(walk, topic, "--epochs", "1", "--force", "--signing-key", signingKey));
        assertThat(after.out()).as(after.err()).contains("published: v3", "Published v4");
        assertThat(after.err()).contains("holds v9 of line 'default'", "--model-version 10 or higher");
    }

    @Test
    void aModelIsJudgedByItsLineNotItsKeyAsTheJobDoes() throws Exception {
        String topic = newTopic();
        Path walk = csv("walk.csv", 600, 0.0, 1L);
        assertThat(run(train(walk, topic, "--epochs", "1", "--force")).out()).contains("Published v1");
        ModelUpdate v1 = newest(topic);
        WireCodec<ModelUpdate> codec = ModelRecords.modelCodec();
        // The job serves line 'default' v5 whatever key it came under, and refuses a 'canary' model under the 'default'
        // key.
        KafkaRecords.produce(
                kafka.bootstrapServers(),
                topic,
                List.of(
                        new org.apache.kafka.clients.producer.ProducerRecord<>(
                                topic,
                                "misfiled".getBytes(StandardCharsets.UTF_8),
                                codec.encode(
                                        ModelUpdate.newBuilder(v1).setVersion(5).build())),
                        new org.apache.kafka.clients.producer.ProducerRecord<>(
                                topic,
                                "default".getBytes(StandardCharsets.UTF_8),
                                codec.encode(ModelUpdate.newBuilder(v1)
                                        .setModelName("canary")
                                        .setVersion(9)
                                        .build())),
                        new org.apache.kafka.clients.producer.ProducerRecord<>(
                                topic,
                                "canary".getBytes(StandardCharsets.UTF_8),
                                codec.encode(ModelUpdate.newBuilder(v1)
                                        .setModelName("canary")
                                        .setVersion(7)
                                        .build())),
                        // Bytes under the line's key that are neither a model nor a control: the job dead-letters them.
                        new org.apache.kafka.clients.producer.ProducerRecord<>(
                                topic,
                                "default".getBytes(StandardCharsets.UTF_8),
                                "not avro".getBytes(StandardCharsets.UTF_8))));

        CliRun next = run(train(walk, topic, "--epochs", "1", "--force"));
        assertThat(next.out()).as(next.err()).contains("published: v5", "Published v6");
        assertThat(next.err()).contains("offset 2 (LINE", "offset 4 (NOT_AVRO").doesNotContain("offset 3 ");
        CliRun list = run(
                "model",
                "list",
                "--bootstrap",
                kafka.bootstrapServers(),
                "--models-topic",
                topic,
                "--max-version-step",
                "2");
        assertThat(list.out())
                .containsPattern("1 +v5 .* refused: VERSION")
                .containsPattern("2 +v9 .* refused: LINE")
                .containsPattern("4 +- .* refused: NOT_AVRO")
                .doesNotContainPattern("(?m)^3 ");
    }

    @Test
    void pinAndUnpinWriteControlRecordsUnderTheControlKey() throws Exception {
        String topic = newTopic();
        assertThat(run(
                                "model",
                                "pin",
                                "3",
                                "--reason",
                                "drift",
                                "--bootstrap",
                                kafka.bootstrapServers(),
                                "--models-topic",
                                topic)
                        .exitCode())
                .isZero();
        assertThat(run("model", "unpin", "--bootstrap", kafka.bootstrapServers(), "--models-topic", topic)
                        .exitCode())
                .isZero();

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

    @Test
    void aChallengerAndTheDecisionsGoUnderTheirOwnKeysAndControlsListsThem() throws Exception {
        String topic = newTopic();
        Path data = csv("ar.csv", 3000, -0.5, 8);
        CliRun trained = run(train(data, topic, "--challenger"));
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("Published v1 as challenger");
        assertThat(run(
                                "model",
                                "promote",
                                "1",
                                "--at",
                                "2026-12-07T16:00:00Z",
                                "--reason",
                                "by hand",
                                "--bootstrap",
                                kafka.bootstrapServers(),
                                "--models-topic",
                                topic)
                        .exitCode())
                .isZero();
        assertThat(run("model", "retire", "1", "--bootstrap", kafka.bootstrapServers(), "--models-topic", topic)
                        .exitCode())
                .isZero();
        List<String> keys = new ArrayList<>();
        BoundedTopicReader.read(
                KafkaConnection.plain(kafka.bootstrapServers()),
                topic,
                r -> keys.add(new String(r.key(), StandardCharsets.UTF_8)));
        assertThat(keys).containsExactly("default#challenger-v1", "default#decision-v1", "default#decision-v1");
        assertThat(newest(topic).getRole()).isEqualTo(dev.tickcast.schema.ModelRole.CHALLENGER);

        CliRun controls = run("model", "controls", "--bootstrap", kafka.bootstrapServers(), "--models-topic", topic);
        assertThat(controls.exitCode()).isZero();
        assertThat(controls.out())
                .containsPattern("1 +PROMOTE +v1 .* 2026-12-07T16:00:00Z +by hand")
                .containsPattern("2 +RETIRE +v1 ");
        assertThat(run("model", "promote", "1", "--at", "tomorrow", "--bootstrap", kafka.bootstrapServers())
                        .exitCode())
                .isNotZero();
        assertThat(run("train", "--data", data.toString(), "--challenger").err())
                .contains("--challenger only means something with --publish");
    }

    @Test
    void routesArePublishedSignedAndListedAndBadRoutesAreRefusedBeforeTheTopic() throws Exception {
        String topic = newTopic();
        Path keys = dir.resolve("route-keys");
        assertThat(run("keygen", "--out", keys.toString()).exitCode()).isZero();
        CliRun none = run("model", "routes", "--bootstrap", kafka.bootstrapServers(), "--models-topic", topic);
        assertThat(none.out()).as(none.err()).contains("no routes on " + topic);

        CliRun sent = run(
                "model",
                "routes",
                "BITSTAMP:*=crypto, *=default",
                "--at",
                "2026-12-07T16:00:00Z",
                "--reason",
                "crypto has its own line",
                "--signing-key",
                keys.resolve("tickcast-signing.key").toString(),
                "--bootstrap",
                kafka.bootstrapServers(),
                "--models-topic",
                topic);
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out()).startsWith("routes BITSTAMP:*=crypto,*=default sent to " + topic);

        CliRun bad =
                run("model", "routes", "BITSTAMP:*", "--bootstrap", kafka.bootstrapServers(), "--models-topic", topic);
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("ROUTES: route 'BITSTAMP:*' is not PATTERN=LINE");

        List<String> keysOnTopic = new ArrayList<>();
        List<dev.tickcast.schema.ModelRoutes> records = new ArrayList<>();
        BoundedTopicReader.read(KafkaConnection.plain(kafka.bootstrapServers()), topic, r -> {
            keysOnTopic.add(new String(r.key(), StandardCharsets.UTF_8));
            try {
                records.add(WireCodec.of(dev.tickcast.schema.ModelRoutes.class).decode(r.value()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(keysOnTopic).singleElement().asString().matches("#routes@\\d+");
        dev.tickcast.model.file.ModelSigning.verify(
                records.get(0),
                dev.tickcast.model.file.ModelSigning.trusted(
                        List.of(dev.tickcast.model.file.ModelSigning.readPublicKey(keys.resolve("tickcast-signing.pub"))
                                .getEncoded())));
        assertThat(records.get(0).getEffectiveTime()).isEqualTo(java.time.Instant.parse("2026-12-07T16:00:00Z"));

        CliRun list = run("model", "routes", "--bootstrap", kafka.bootstrapServers(), "--models-topic", topic);
        assertThat(list.out())
                .containsPattern("0 +20\\S+ +2026-12-07T16:00:00Z +BITSTAMP:\\*=crypto,\\*=default  crypto has its own"
                        + " line \\(signed by [0-9a-f]{16}\\)");
    }
}
