package dev.tickcast.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tickcast.cli.common.UserException;
import dev.tickcast.cli.kafka.KafkaTopics;
import dev.tickcast.cli.kafka.RecordJson;
import dev.tickcast.cli.kafka.RecordType;
import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.schema.wire.WireCodec;
import dev.tickcast.schema.wire.WireException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = "Prints the records of a tickcast topic as JSON lines, decoded with the topic's Avro schema"
                + " (like Kafka's"
                + " Avro console consumer). Bytes fields show their length and a hex prefix. A record"
                + " that does not decode"
                + " prints a line with an 'error' field and its raw bytes instead. Joins no consumer"
                + " group and commits nothing.")
public final class TailCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic to read, e.g. tickcast.forecasts.")
    public String topic;

    @Option(
            names = "--type",
            description = "Record type: ${COMPLETION-CANDIDATES}. Default: from the topic name's suffix"
                    + " (…ticks, …forecasts, …evaluations, …models, …deadletters).")
    public RecordType type;

    @picocli.CommandLine.Mixin
    public KafkaOptions kafkaOptions;

    @Option(
            names = "--from-beginning",
            description = "Start at the earliest record instead of only new ones. Default: ${DEFAULT-VALUE}.",
            defaultValue = "false")
    public boolean fromBeginning;

    @Option(
            names = "--max",
            paramLabel = "N",
            description = "Stop after printing N records; 0 = no limit. Default: ${DEFAULT-VALUE}.",
            defaultValue = "0")
    public long max;

    @Option(
            names = "--symbol",
            description = "Only records whose key is this symbol (model name on the models topic). Default: all.")
    public String symbol;

    @Option(
            names = "--read-committed",
            negatable = true,
            fallbackValue = "true",
            description = "Read only committed records of transactional producers (the job's exactly-once sinks);"
                    + " --no-read-committed"
                    + " also shows records of open or aborted transactions. Default: ${DEFAULT-VALUE}.",
            defaultValue = "true")
    public boolean readCommitted;

    @Option(
            names = "--timeout",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Stop when no record arrived for this long (e.g. 5s); 0 = wait for records until Ctrl-C."
                    + " Default: ${DEFAULT-VALUE}.",
            defaultValue = "0")
    public Duration timeout;

    @Option(
            names = "--metadata",
            description =
                    "Wrap each line as {topic, partition, offset, timestamp, key, value}. Default: ${DEFAULT-VALUE}.",
            defaultValue = "false")
    public boolean metadata;

    @Spec
    public CommandSpec spec;

    @Override
    public Integer call() {
        RecordType recordType = type != null
                ? type
                : RecordType.ofTopic(topic)
                        .orElseThrow(() -> new UserException("cannot tell the record type of topic " + topic
                                + " from its name; pass --type " + Arrays.toString(RecordType.values())));
        WireCodec<? extends SpecificRecord> codec = recordType.codec();
        List<TopicPartition> partitions = KafkaTopics.partitions(kafkaOptions.connection(), topic);
        PrintWriter out = spec.commandLine().getOut();
        byte[] key = symbol == null ? null : WireCodec.key(symbol);
        long printed = 0;
        long errors = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = kafkaOptions.connection().consumer(consumerSettings())) {
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            long lastRecord = System.nanoTime();
            while (max <= 0 || printed < max) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    lastRecord = System.nanoTime();
                } else if (!timeout.isZero() && System.nanoTime() - lastRecord > timeout.toNanos()) {
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (key != null && !Arrays.equals(key, r.key())) {
                        continue;
                    }
                    JsonNode value;
                    try {
                        value = RecordJson.of(codec.decode(r.value()));
                    } catch (WireException e) {
                        value = error(e, r);
                        errors++;
                    }
                    out.println(RecordJson.line(metadata ? withMetadata(r, value) : value));
                    if (++printed == max) {
                        break;
                    }
                }
                out.flush();
            }
        }
        spec.commandLine()
                .getErr()
                .printf(
                        "tail %s: %,d records printed as %s%s%n",
                        topic,
                        printed,
                        recordType,
                        errors == 0 ? "" : String.format(", %,d of them undecodable", errors));
        return 0;
    }

    private java.util.Map<String, Object> consumerSettings() {
        return java.util.Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                readCommitted ? "read_committed" : "read_uncommitted",
                // A models-topic record holds a whole model; let one fetch carry it.
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                String.valueOf(ModelRecords.MAX_MODEL_BYTES));
    }

    /** The line printed instead of a record that does not decode: why, where, and its bytes. */
    private static ObjectNode error(WireException e, ConsumerRecord<byte[], byte[]> r) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("error", e.getMessage());
        node.put("reason", e.reason().name());
        node.put("partition", r.partition());
        node.put("offset", r.offset());
        node.put("key", r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
        node.set("value", r.value() == null ? null : RecordJson.bytes(r.value()));
        return node;
    }

    private static ObjectNode withMetadata(ConsumerRecord<byte[], byte[]> r, JsonNode value) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("topic", r.topic());
        node.put("partition", r.partition());
        node.put("offset", r.offset());
        node.put("timestamp", Instant.ofEpochMilli(r.timestamp()).toString());
        node.put("key", r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
        node.set("value", value);
        return node;
    }
}
