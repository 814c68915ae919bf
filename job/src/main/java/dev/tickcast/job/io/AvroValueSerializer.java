package dev.tickcast.job.io;

import dev.tickcast.schema.wire.WireCodec;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes one Avro record per Kafka record: the key the record names, the value in the wire encoding.
 * The Kafka timestamp is left to the producer (wall clock), not the record's event time: replayed
 * history stamped with old event times would be deleted at once by time-based retention.
 */
public final class AvroValueSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    /** A serialisable key extractor: the Kafka key's bytes, or null for none. */
    public interface KeyOf<T> extends Function<T, byte[]>, java.io.Serializable {}

    private final String topic;
    private final Class<T> type;
    private final KeyOf<T> key;
    private transient WireCodec<T> codec;

    public AvroValueSerializer(String topic, Class<T> type, KeyOf<T> key) {
        this.topic = topic;
        this.type = type;
        this.key = key;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        codec = WireCodec.of(type, Integer.MAX_VALUE);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = WireCodec.of(type, Integer.MAX_VALUE);
        }
        return new ProducerRecord<>(topic, null, null, key.apply(element), codec.encode(element));
    }
}
