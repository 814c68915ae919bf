package dev.tickcast.cli.kafka;

import dev.tickcast.cli.common.UserException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a topic from its beginning up to the end offsets seen when the read starts, so that a report
 * over a topic the job is still writing to finishes. Read committed: with exactly-once sinks, the end
 * is the last stable offset and only committed forecasts are counted.
 */
public final class BoundedTopicReader {

    public static final Duration TIMEOUT = Duration.ofMinutes(2);

    private BoundedTopicReader() {}

    public static void read(KafkaConnection kafka, String topic, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        read(kafka, topic, null, Long.MAX_VALUE, sink);
    }

    /**
     * Reads only the tail of each partition: records with a timestamp at or after {@code since} (null: all), and of
     * those
     * at most {@code maxRecords} in all, the newest of each partition (shared out so that a partition with fewer
     * records
     * leaves its share to the others), so a topic kept forever cannot fill the reader's memory.
     *
     * A record before {@code since} that the seek still reaches (Kafka timestamps need not grow with offsets) is
     * skipped.
     *
     * @return about how many records at or after {@code since} {@code maxRecords} left out, the oldest of each
     * partition (in
     *     offsets, which transaction markers take too)
     */
    public static long read(
            KafkaConnection kafka,
            String topic,
            Instant since,
            long maxRecords,
            Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        List<TopicPartition> partitions = KafkaTopics.partitions(kafka, topic);
        try (KafkaConsumer<byte[], byte[]> consumer =
                kafka.consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            long sinceMs = since == null ? Long.MIN_VALUE : Math.max(0, since.toEpochMilli());
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
            Map<TopicPartition, OffsetAndTimestamp> sinceOffsets = new HashMap<>();
            if (since != null) {
                Map<TopicPartition, Long> query = new HashMap<>();
                partitions.forEach(tp -> query.put(tp, sinceMs));
                consumer.offsetsForTimes(query).forEach((tp, found) -> sinceOffsets.put(tp, found));
            }
            Map<TopicPartition, Long> start = new HashMap<>();
            for (TopicPartition tp : partitions) {
                long from = beginning.get(tp);
                if (since != null) {
                    OffsetAndTimestamp found = sinceOffsets.get(tp);
                    from = found == null ? end.get(tp) : Math.max(from, found.offset()); // null: nothing that recent
                }
                start.put(tp, from);
            }
            // Smallest partitions first: each takes what it has up to an even share of what is left.
            List<TopicPartition> bySize = new java.util.ArrayList<>(partitions);
            bySize.sort(java.util.Comparator.comparingLong(tp -> end.get(tp) - start.get(tp)));
            long budget = maxRecords;
            long leftOut = 0;
            for (int i = 0; i < bySize.size(); i++) {
                TopicPartition tp = bySize.get(i);
                long share = budget / (bySize.size() - i);
                long from = Math.max(start.get(tp), end.get(tp) - share);
                budget -= end.get(tp) - from;
                leftOut += from - start.get(tp);
                consumer.seek(tp, from);
            }
            drain(consumer, topic, end, kafka, r -> {
                if (r.timestamp() >= sinceMs) {
                    sink.accept(r);
                }
            });
            return leftOut;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new UserException(
                    "reading " + topic + " at " + kafka.bootstrap() + " timed out (" + e.getMessage()
                            + "); is the broker up and reachable?",
                    1);
        }
    }

    private static void drain(
            KafkaConsumer<byte[], byte[]> consumer,
            String topic,
            Map<TopicPartition, Long> end,
            KafkaConnection kafka,
            Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!done(consumer, end)) {
            if (System.nanoTime() > deadline) {
                throw new UserException(
                        "reading " + topic + " up to offsets " + end + " took over " + TIMEOUT.toMinutes()
                                + " minutes; is the broker at " + kafka.bootstrap() + " overloaded?",
                        1);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                // Records written after the read started are past the end seen then: leave them out.
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    sink.accept(r);
                }
            }
        }
    }

    private static boolean done(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
