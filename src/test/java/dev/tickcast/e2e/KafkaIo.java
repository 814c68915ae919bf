package dev.tickcast.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Producing to and reading back from the test broker, as a user's clients would. */
final class KafkaIo {

    private KafkaIo() {}

    static void produce(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) {
        produce(bootstrap, new Properties(), records);
    }

    /** As {@link #produce(String, List)} with extra client properties (e.g. SASL credentials). */
    static void produce(String bootstrap, Properties extra, List<ProducerRecord<byte[], byte[]>> records) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r, (meta, e) -> {
                    if (e != null) {
                        throw new IllegalStateException("produce failed", e);
                    }
                });
            }
            producer.flush();
        }
    }

    /**
     * Reads a topic from the beginning with read_committed (only what the job committed) until
     * {@code done} says enough, or the timeout passes; returns everything read.
     */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(
            String bootstrap,
            String topic,
            Duration timeout,
            java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        return readCommitted(bootstrap, new Properties(), topic, timeout, done);
    }

    /**
     * As {@link #readCommitted(String, String, Duration, java.util.function.Predicate)} with extra client properties.
     */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(
            String bootstrap,
            Properties extra,
            String topic,
            Duration timeout,
            java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (System.nanoTime() < deadline && !done.test(all)) {
                consumer.poll(Duration.ofMillis(500)).forEach(all::add);
            }
        }
        return all;
    }

    /**
     * Everything committed in a topic now, read from the beginning up to each partition's last stable
     * offset by a consumer of no group: what any read_committed consumer of the topic would get.
     */
    static List<ConsumerRecord<byte[], byte[]>> readAllCommitted(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = assignFromBeginning(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // the last stable offsets, read_committed
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "could not read " + topic + " to its end offsets " + end + " in 2 minutes");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }

    /**
     * Assigns every partition of the topic to the consumer (no group: its position lives only in memory,
     * where a group would rejoin after a broker restart and rewind to its last committed offsets) and
     * seeks to the beginning.
     *
     * @return the partitions
     */
    static List<TopicPartition> assignFromBeginning(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition()))
                .toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist: create it before reading it");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    /** Waits for a condition, failing with the message after the timeout. */
    static void await(BooleanSupplier condition, Duration timeout, String message) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + ": " + message);
            }
            Thread.sleep(200);
        }
    }
}
