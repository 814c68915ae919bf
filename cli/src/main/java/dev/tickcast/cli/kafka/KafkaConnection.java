package dev.tickcast.cli.kafka;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Where a Kafka client connects and with which client properties (security: SASL, TLS; anything else a
 * Kafka client takes), shared by every command's producers, consumers and admin clients.
 */
public record KafkaConnection(String bootstrap, Map<String, String> properties) {

    public static KafkaConnection plain(String bootstrap) {
        return new KafkaConnection(bootstrap, Map.of());
    }

    /** Client properties: the user's first, then bootstrap.servers. Callers add their own settings on top. */
    public Properties client() {
        Properties p = new Properties();
        p.putAll(properties);
        p.put("bootstrap.servers", bootstrap);
        return p;
    }

    /** A consumer of raw bytes with these settings on top of {@link #client()}; never commits offsets. */
    public KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> settings) {
        Properties p = client();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putAll(settings);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** An idempotent producer of raw bytes (acks=all), with these settings on top of {@link #client()}. */
    public KafkaProducer<byte[], byte[]> producer(Map<String, Object> settings) {
        Properties p = client();
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putAll(settings);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** An admin client with these settings on top of {@link #client()}. */
    public Admin admin(Map<String, Object> settings) {
        Properties p = client();
        p.putAll(settings);
        return Admin.create(p);
    }

    /** The same properties as {@code --kafka.<key> value} job options (for the job and backfill). */
    public java.util.List<String> asJobOptions() {
        java.util.List<String> args = new java.util.ArrayList<>();
        properties.forEach((k, v) -> {
            args.add("--kafka." + k);
            args.add(v);
        });
        return args;
    }
}
