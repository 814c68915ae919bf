package dev.tickcast.cli.kafka;

import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes ticks to a topic the way every tickcast tool does: key = symbol, value in the wire encoding, idempotent. */
public final class TickProducer implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final WireCodec<Tick> codec = WireCodec.of(Tick.class);
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public TickProducer(KafkaConnection kafka, String topic) {
        this.producer = kafka.producer(java.util.Map.of(ProducerConfig.LINGER_MS_CONFIG, "5"));
        this.topic = topic;
    }

    public void send(Tick tick) {
        send(tick.getSymbol(), codec.encode(tick));
    }

    /** Any bytes under a symbol's key: how the demo shows what happens to records that are not ticks. */
    public void send(String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, WireCodec.key(key), value), (meta, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
    }

    /** Flushes and fails if any send failed. */
    public void flush() {
        producer.flush();
        failIfSendFailed();
    }

    /** Fails as soon as a send has failed, so a long replay stops early instead of at its end. */
    public void failIfSendFailed() {
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "producing to " + topic + " failed: " + failure.get().getMessage(), failure.get());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
