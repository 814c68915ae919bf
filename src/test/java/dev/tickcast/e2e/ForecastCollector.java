package dev.tickcast.e2e;

import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a forecasts topic in the background for the whole test, so the test can wait for forecasts of
 * particular ticks (and see when each became visible).
 */
final class ForecastCollector implements AutoCloseable {

    /** A forecast and the wall-clock time this consumer saw it. */
    record Seen(Forecast forecast, long seenAtNanos) {}

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    ForecastCollector(String bootstrap, String topic, boolean readCommitted) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", readCommitted ? "read_committed" : "read_uncommitted");
        WireCodec<Forecast> codec = WireCodec.of(Forecast.class);
        thread = new Thread(
                () -> {
                    try (KafkaConsumer<byte[], byte[]> consumer =
                            new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                        // Assigned, not subscribed: a group would read records twice after a broker restart.
                        KafkaIo.assignFromBeginning(consumer, topic);
                        while (running.get()) {
                            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                                seen.add(new Seen(codec.decode(r.value()), System.nanoTime()));
                            }
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException("forecast collector failed", e);
                    }
                },
                "forecast-collector");
        thread.setDaemon(true);
        thread.start();
    }

    List<Seen> seen() {
        return new ArrayList<>(seen);
    }

    List<Forecast> forecasts() {
        return seen.stream().map(Seen::forecast).toList();
    }

    long count(java.util.function.Predicate<Forecast> which) {
        return seen.stream().map(Seen::forecast).filter(which).count();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5000);
    }
}
