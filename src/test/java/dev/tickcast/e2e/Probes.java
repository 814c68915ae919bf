package dev.tickcast.e2e;

import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Probe symbols: ticks of symbols no test data uses, sent to find out which model the running job serves
 * (there is no other signal from a job to its producers). Enough of them land on every parallel subtask.
 */
final class Probes {

    static final int COUNT = 10;
    private static int round;

    private Probes() {}

    static boolean isProbe(Forecast f) {
        return f.getSymbol().startsWith("PROBE");
    }

    /** Sends rounds of probe ticks at {@code from} + round seconds until every probe's forecast carries the version. */
    static synchronized void awaitServing(
            String bootstrap, ForecastCollector collector, String topic, long version, Instant from) throws Exception {
        WireCodec<Tick> codec = WireCodec.of(Tick.class);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        int sent = 0;
        while (System.nanoTime() < deadline) {
            round++;
            sent++;
            Instant time = from.plusSeconds(round);
            List<ProducerRecord<byte[], byte[]>> probes = new ArrayList<>();
            for (int p = 0; p < COUNT; p++) {
                Tick t = Tick.newBuilder()
                        .setSymbol("PROBE-" + p)
                        .setEventTime(time)
                        .setPrice(100 + round * 0.01 + p)
                        .setVolume(null)
                        .build();
                probes.add(new ProducerRecord<>(topic, WireCodec.key(t.getSymbol()), codec.encode(t)));
            }
            KafkaIo.produce(bootstrap, probes);
            KafkaIo.await(
                    () -> collector.count(f -> isProbe(f) && f.getEventTime().equals(time)) >= COUNT,
                    Duration.ofMinutes(1),
                    "probe round " + round);
            boolean all = collector.forecasts().stream()
                    .filter(f -> isProbe(f) && f.getEventTime().equals(time))
                    .allMatch(f -> f.getModelVersion() == version);
            if (all && sent > 1) {
                return;
            }
        }
        throw new AssertionError("the job did not serve version " + version + " within 2 minutes");
    }
}
