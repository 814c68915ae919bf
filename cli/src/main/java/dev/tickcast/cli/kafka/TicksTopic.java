package dev.tickcast.cli.kafka;

import dev.tickcast.model.data.TickCsv;
import dev.tickcast.model.data.TickRejection;
import dev.tickcast.model.data.TickRules;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import dev.tickcast.schema.wire.WireException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Training data from the ticks topic: what is on it when the read starts (a bounded read), limited to a recent window
 * and a number of records, because the ticks topic is kept forever and the trainer holds what it reads in memory.
 */
public final class TicksTopic {

    private TicksTopic() {}

    /** What a read got, and how many records on the topic it left out by its bounds. */
    public record Read(TickCsv.Result result, long leftOut) {}

    /**
     * Ticks in topic order per partition; records that are not usable ticks come back as bad rows (line = offset).
     *
     * @param since only records with a Kafka timestamp at or after this (null: from the beginning)
     * @param maxRecords at most this many records, the newest of each partition
     */
    public static Read read(KafkaConnection kafka, String topic, Instant since, long maxRecords) {
        WireCodec<Tick> codec = WireCodec.of(Tick.class);
        List<Tick> ticks = new ArrayList<>();
        List<TickCsv.BadRow> bad = new ArrayList<>();
        long leftOut = BoundedTopicReader.read(kafka, topic, since, maxRecords, r -> {
            try {
                Tick t = codec.decode(r.value());
                TickRejection rejection = TickRules.checkFields(
                        t.getSymbol(), t.getEventTime().toEpochMilli(), t.getPrice(), t.getVolume(), Long.MAX_VALUE);
                if (rejection == null) {
                    ticks.add(t);
                } else {
                    bad.add(new TickCsv.BadRow(r.offset(), rejection.toString(), "partition " + r.partition()));
                }
            } catch (WireException e) {
                bad.add(new TickCsv.BadRow(
                        r.offset(), e.reason() + ": " + e.getMessage(), "partition " + r.partition()));
            }
        });
        // Partitions interleave arbitrarily; per-symbol order is what matters, and a stable sort by time keeps it.
        ticks.sort(java.util.Comparator.comparing(Tick::getEventTime));
        return new Read(new TickCsv.Result(ticks, bad), leftOut);
    }
}
