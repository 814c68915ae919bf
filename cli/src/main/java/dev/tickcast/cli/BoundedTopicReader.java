package dev.tickcast.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from its beginning up to the end offsets seen when the read starts, so that a report
 * over a topic the job is still writing to finishes. Read committed: with exactly-once sinks, the end
 * is the last stable offset and only committed forecasts are counted.
 */
final class BoundedTopicReader {

    static final Duration TIMEOUT = Duration.ofMinutes(2);

    private BoundedTopicReader() {}

    static void read(KafkaConnection kafka, String topic, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        List<TopicPartition> partitions = KafkaTopics.partitions(kafka, topic);
        Properties p = kafka.client();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!done(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new UserException("reading " + topic + " up to offsets " + end + " took over " + TIMEOUT.toMinutes()
                            + " minutes; is the broker at " + kafka.bootstrap() + " overloaded?", 1);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    // Records written after the read started are past the end seen then: leave them out.
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        sink.accept(r);
                    }
                }
            }
        }
    }

    private static boolean done(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
