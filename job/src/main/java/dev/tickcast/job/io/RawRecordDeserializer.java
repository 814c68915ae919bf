package dev.tickcast.job.io;

import dev.tickcast.job.types.Streams;
import dev.tickcast.schema.internal.RawRecord;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Takes every Kafka record as it is, bytes and position, and never fails: decoding happens in the
 * next operator, where a bad value becomes a dead letter instead of a failed source.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        RawRecord raw = new RawRecord(); // setters, not the builder: per record (error stays null, its default)
        raw.setTopic(record.topic());
        raw.setPartition(record.partition());
        raw.setOffset(record.offset());
        raw.setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()));
        raw.setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()));
        out.collect(raw);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return Streams.RAW;
    }
}
