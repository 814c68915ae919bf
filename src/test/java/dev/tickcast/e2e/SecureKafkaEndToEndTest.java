package dev.tickcast.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job against a broker on 127.0.0.1 that requires SASL/PLAIN and authorizes with ACLs: with its
 * credentials (given as --kafka.* options) it reads ticks and writes forecasts; a client without
 * credentials cannot even connect, and an authenticated client without ACLs cannot write to the models
 * topic, so neither can change what the job serves.
 */
class SecureKafkaEndToEndTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static Properties credentials(String user, String password) {
        Properties p = new Properties();
        p.putAll(EmbeddedKafka.saslPlainClient(user, password));
        return p;
    }

    @Test
    void jobWithCredentialsWorksAndOthersCannotWriteModels() throws Exception {
        Properties admin = credentials("admin", "admin-secret");
        try (EmbeddedKafka kafka = EmbeddedKafka.startSaslPlain(
                Map.of("admin", "admin-secret", "job", "job-secret", "mallory", "mallory-secret"))) {
            kafka.createTopics(2, "sec.ticks", "sec.forecasts", "sec.evaluations", "sec.deadletters");
            kafka.createTopics(1, Map.of("cleanup.policy", "compact"), "sec.models");
            try (Admin acls = kafka.newAdmin()) {
                acls.createAcls(jobAcls()).all().get();
            }

            Properties job = credentials("job", "job-secret");
            List<String> args = new ArrayList<>(List.of(
                    "--bootstrap",
                    kafka.bootstrapServers(),
                    "--topic.ticks",
                    "sec.ticks",
                    "--topic.forecasts",
                    "sec.forecasts",
                    "--topic.evaluations",
                    "sec.evaluations",
                    "--topic.models",
                    "sec.models",
                    "--topic.deadletters",
                    "sec.deadletters",
                    "--parallelism",
                    "2",
                    "--checkpoint-interval",
                    "500 ms",
                    "--starting-offsets",
                    "earliest",
                    "--group.id",
                    "tickcast-sec",
                    "--transactional-id-prefix",
                    "tickcast-sec"));
            job.forEach((k, v) -> args.addAll(List.of("--kafka." + k, v.toString())));
            JobConfig config = JobConfig.fromArgs(args.toArray(new String[0]));

            WireCodec<ModelUpdate> models = ModelRecords.modelCodec();
            ModelUpdate v1 = E2eData.randomModel("default", 1, CellType.LSTM, new int[] {4}, 1L);
            KafkaIo.produce(
                    kafka.bootstrapServers(),
                    admin,
                    List.of(new ProducerRecord<>("sec.models", WireCodec.key("m"), models.encode(v1))));
            List<ProducerRecord<byte[], byte[]>> ticks = new ArrayList<>();
            WireCodec<Tick> codec = WireCodec.of(Tick.class);
            for (int i = 0; i < 2000; i++) {
                Tick t = Tick.newBuilder()
                        .setSymbol("S" + (i % 10))
                        .setEventTime(Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i))
                        .setPrice(100 + Math.sin(i / 10.0))
                        .setVolume(null)
                        .build();
                ticks.add(new ProducerRecord<>("sec.ticks", WireCodec.key(t.getSymbol()), codec.encode(t)));
            }
            KafkaIo.produce(kafka.bootstrapServers(), admin, ticks);

            JobClient running = JobRunner.start(config, new Configuration(), List.of(), "secure");
            try {
                var forecasts = KafkaIo.readCommitted(
                        kafka.bootstrapServers(),
                        admin,
                        "sec.forecasts",
                        Duration.ofMinutes(2),
                        all -> all.size() >= 2000);
                assertThat(forecasts).hasSize(2000);
                assertThat(running.getJobStatus().get().isTerminalState()).isFalse();
            } finally {
                running.cancel().get();
            }

            ModelUpdate evil = E2eData.randomModel("default", 99, CellType.LSTM, new int[] {4}, 99L);
            ProducerRecord<byte[], byte[]> evilRecord =
                    new ProducerRecord<>("sec.models", WireCodec.key("m"), models.encode(evil));
            Properties none = new Properties();
            none.put("max.block.ms", "3000");
            none.put("delivery.timeout.ms", "3000");
            none.put("request.timeout.ms", "2000");
            none.put("enable.idempotence", "false");
            assertThatThrownBy(() -> send(kafka.bootstrapServers(), none, evilRecord))
                    .as("no credentials")
                    .isNotNull();
            Properties mallory = credentials("mallory", "mallory-secret");
            mallory.put("enable.idempotence", "false");
            assertThatThrownBy(() -> send(kafka.bootstrapServers(), mallory, evilRecord))
                    .as("credentials without ACLs")
                    .hasRootCauseInstanceOf(TopicAuthorizationException.class);

            var onModelsTopic = KafkaIo.readCommitted(
                    kafka.bootstrapServers(), admin, "sec.models", Duration.ofSeconds(10), all -> false);
            assertThat(onModelsTopic).hasSize(1);
            assertThat(models.decode(onModelsTopic.get(0).value()).getVersion()).isEqualTo(1L);
        }
    }

    private static void send(String bootstrap, Properties extra, ProducerRecord<byte[], byte[]> record)
            throws Exception {
        Properties p = new Properties();
        p.putAll(extra);
        p.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(record).get();
        } catch (ExecutionException e) {
            throw e;
        }
    }

    /** What the job's principal needs: read and write its topics, its consumer groups, its transactions. */
    private static List<AclBinding> jobAcls() {
        String principal = "User:job";
        List<AclBinding> acls = new ArrayList<>();
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE)) {
            acls.add(new AclBinding(
                    new ResourcePattern(ResourceType.TOPIC, "sec.", PatternType.PREFIXED),
                    new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
        }
        acls.add(new AclBinding(
                new ResourcePattern(ResourceType.GROUP, "tickcast-sec", PatternType.PREFIXED),
                new AccessControlEntry(principal, "*", AclOperation.READ, AclPermissionType.ALLOW)));
        for (AclOperation op : List.of(AclOperation.WRITE, AclOperation.DESCRIBE)) {
            acls.add(new AclBinding(
                    new ResourcePattern(ResourceType.TRANSACTIONAL_ID, "tickcast-sec", PatternType.PREFIXED),
                    new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
        }
        acls.add(new AclBinding(
                new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
                new AccessControlEntry(principal, "*", AclOperation.IDEMPOTENT_WRITE, AclPermissionType.ALLOW)));
        return acls;
    }
}
