package dev.tickcast.job;

import dev.tickcast.job.io.AvroValueSerializer;
import dev.tickcast.job.io.RawRecordDeserializer;
import dev.tickcast.job.operator.TickDecoder;
import dev.tickcast.job.serving.ModelAdmission;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.internal.RawRecord;
import dev.tickcast.schema.wire.WireCodec;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The job's Kafka sources and sinks, built from its configuration. */
final class KafkaConnectors {

    /** Below the broker's default transaction.max.timeout.ms (15 minutes), or transactions are refused. */
    static final String TRANSACTION_TIMEOUT_MS = String.valueOf(10 * 60 * 1000);

    private KafkaConnectors() {}

    public static KafkaSource<RawRecord> ticks(JobConfig config) {
        OffsetsInitializer start = switch (config.startingOffsets()) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
        return source(config, config.ticksTopic(), config.groupId(), start);
    }

    /** Always from the earliest offset: the compacted topic's history is what decides the serving model. */
    public static KafkaSource<RawRecord> models(JobConfig config) {
        return source(config, config.modelsTopic(), config.groupId() + "-models", OffsetsInitializer.earliest());
    }

    private static KafkaSource<RawRecord> source(
            JobConfig config, String topic, String groupId, OffsetsInitializer start) {
        KafkaSourceBuilder<RawRecord> builder = KafkaSource.<RawRecord>builder();
        config.kafkaProperties()
                .forEach(builder::setProperty); // security and other client settings first; ours win below
        return builder.setBootstrapServers(config.bootstrap())
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(start)
                .setDeserializer(new RawRecordDeserializer())
                // Producers of ticks and models may be transactional: never read what they aborted.
                .setProperty("isolation.level", "read_committed")
                .setProperty("partition.discovery.interval.ms", "60000")
                .build();
    }

    public static KafkaSink<Forecast> forecasts(JobConfig config) {
        return sink(
                config,
                new AvroValueSerializer<>(config.forecastsTopic(), Forecast.class, f -> WireCodec.key(f.getSymbol())),
                "forecasts");
    }

    public static KafkaSink<Evaluation> evaluations(JobConfig config) {
        return sink(
                config,
                new AvroValueSerializer<>(
                        config.evaluationsTopic(), Evaluation.class, e -> WireCodec.key(e.getSymbol())),
                "evaluations");
    }

    public static KafkaSink<DeadLetter> deadLetters(JobConfig config) {
        return sink(
                config,
                new AvroValueSerializer<>(
                        config.deadLettersTopic(), DeadLetter.class, d -> TickDecoder.bytes(d.getKey())),
                "deadletters");
    }

    /**
     * The job's own PROMOTE and RETIRE decisions, to the models topic it reads them back from. At least once whatever
     * --delivery says: a decision is applied once per challenger, so a second copy changes nothing, while an open
     * transaction on the models topic would hold back every read_committed reader of it (pins too) until it ends.
     */
    public static KafkaSink<ModelControl> decisions(JobConfig config) {
        return sink(
                config,
                new AvroValueSerializer<>(
                        config.modelsTopic(), ModelControl.class, c -> WireCodec.key(ModelAdmission.topicKey(c))),
                "decisions",
                config.delivery() == DeliveryGuarantee.NONE ? DeliveryGuarantee.NONE : DeliveryGuarantee.AT_LEAST_ONCE);
    }

    private static <T> KafkaSink<T> sink(
            JobConfig config,
            org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> serializer,
            String name) {
        return sink(config, serializer, name, config.delivery());
    }

    private static <T> KafkaSink<T> sink(
            JobConfig config,
            org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> serializer,
            String name,
            DeliveryGuarantee delivery) {
        Properties producer = new Properties();
        producer.putAll(config.kafkaProperties());
        producer.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        producer.setProperty("enable.idempotence", "true");
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.bootstrap())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(delivery)
                .setTransactionalIdPrefix(config.transactionalIdPrefix() + "-" + name)
                .setKafkaProducerConfig(producer)
                .build();
    }
}
