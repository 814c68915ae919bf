package dev.tickcast.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Reading and writing raw records of a real broker in tests. */
final class KafkaRecords {

    private KafkaRecords() {}

    /**
     * Every record of the topic from the beginning, once {@code expected} arrived and nothing more came for a moment.
     */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, int expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "test-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int emptyAfterExpected = 0;
            while (System.nanoTime() < deadline && emptyAfterExpected < 3) {
                var records = c.poll(Duration.ofMillis(300));
                records.forEach(out::add);
                if (out.size() >= expected && records.isEmpty()) {
                    emptyAfterExpected++;
                }
            }
        }
        return out;
    }

    static void produce(String bootstrap, String topic, List<ProducerRecord<byte[], byte[]>> records) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.idempotence", "true");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }
}
