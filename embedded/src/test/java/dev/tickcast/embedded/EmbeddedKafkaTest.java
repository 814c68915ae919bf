package dev.tickcast.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void idempotentProducerDeliversEveryRecordOnceInKeyOrder() throws Exception {
        kafka.createTopics(3, "ticks");
        Map<String, Object> config =
                Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = producer(config)) {
            for (int i = 0; i < 1000; i++) {
                // 10 keys, each value the key's own sequence number 0..99
                producer.send(new ProducerRecord<>("ticks", "sym-" + i % 10, String.valueOf(i / 10)));
            }
        }

        List<ConsumerRecord<String, String>> records = readAll("ticks", "read_committed");

        assertThat(records).hasSize(1000);
        assertThat(records.stream().map(ConsumerRecord::partition).distinct()).hasSizeGreaterThan(1);
        Map<String, List<Integer>> perKey = records.stream()
                .collect(Collectors.groupingBy(
                        ConsumerRecord::key, Collectors.mapping(r -> Integer.valueOf(r.value()), Collectors.toList())));
        List<Integer> zeroTo99 = IntStream.range(0, 100).boxed().collect(Collectors.toList());
        assertThat(perKey)
                .hasSize(10)
                .allSatisfy((key, values) -> assertThat(values).isEqualTo(zeroTo99));
    }

    @Test
    void readCommittedSeesOnlyCommittedTransactions() throws Exception {
        kafka.createTopics(1, "forecasts");
        Map<String, Object> config = Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-test-tx");
        try (KafkaProducer<String, String> producer = producer(config)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("forecasts", "k", "committed-" + i));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 2; i++) {
                producer.send(new ProducerRecord<>("forecasts", "k", "aborted-" + i));
            }
            producer.flush();
            producer.abortTransaction();
        }

        assertThat(readAll("forecasts", "read_committed"))
                .extracting(ConsumerRecord::value)
                .containsExactly("committed-0", "committed-1", "committed-2");
        // The aborted records were written: read_committed filtered them out.
        assertThat(readAll("forecasts", "read_uncommitted"))
                .extracting(ConsumerRecord::value)
                .containsExactly("committed-0", "committed-1", "committed-2", "aborted-0", "aborted-1");
    }

    @Test
    void createsCompactedTopicAndKeepsDataRegardlessOfAge() throws Exception {
        kafka.createTopics(2, Map.of("cleanup.policy", "compact"), "models");

        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "models");
        try (Admin admin = admin()) {
            Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config.get("retention.ms").value()).isEqualTo("-1");
        }
    }

    @Test
    void formatsStorageWithTransactionVersion1() throws Exception {
        try (Admin admin = admin()) {
            Map<String, FinalizedVersionRange> features =
                    admin.describeFeatures().featureMetadata().get().finalizedFeatures();
            assertThat(features.get("transaction.version").maxVersionLevel()).isEqualTo((short) 1);
        }
    }

    @Test
    void closeStopsTheBrokerAndDeletesItsDataDirectory() throws Exception {
        EmbeddedKafka own = EmbeddedKafka.start();
        Path dataDir = own.dataDir();
        int port = Integer.parseInt(own.bootstrapServers().substring("127.0.0.1:".length()));
        assertThat(dataDir).isDirectory();

        own.close();
        own.close(); // idempotent

        assertThat(Files.exists(dataDir)).isFalse();
        new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1")).close(); // port released
    }

    @Test
    void startOnTakenPortFailsNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafka.start(port))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + port + " on 127.0.0.1 is already in use")
                    .hasMessageContaining("pass 0 for a free one");
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** Reads every partition from the start up to its end offset (the LSO under read_committed). */
    private static List<ConsumerRecord<String, String>> readAll(String topic, String isolation) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolation);
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("reading %s to %s", topic, end).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
