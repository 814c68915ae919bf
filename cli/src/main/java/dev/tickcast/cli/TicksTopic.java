package dev.tickcast.cli;

import dev.tickcast.model.data.TickCsv;
import dev.tickcast.model.data.TickRejection;
import dev.tickcast.model.data.TickRules;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import dev.tickcast.schema.wire.WireException;
import java.util.ArrayList;
import java.util.List;

/** Training data from the ticks topic: everything on it when the read starts (a bounded read). */
final class TicksTopic {

    private TicksTopic() {}

    /** Ticks in topic order per partition; records that are not usable ticks come back as bad rows (line = offset). */
    static TickCsv.Result read(KafkaConnection kafka, String topic) {
        WireCodec<Tick> codec = WireCodec.of(Tick.class);
        List<Tick> ticks = new ArrayList<>();
        List<TickCsv.BadRow> bad = new ArrayList<>();
        BoundedTopicReader.read(kafka, topic, r -> {
            try {
                Tick t = codec.decode(r.value());
                TickRejection rejection = TickRules.checkFields(t.getSymbol(), t.getEventTime().toEpochMilli(), t.getPrice(), t.getVolume(),
                        Long.MAX_VALUE);
                if (rejection == null) {
                    ticks.add(t);
                } else {
                    bad.add(new TickCsv.BadRow(r.offset(), rejection.toString(), "partition " + r.partition()));
                }
            } catch (WireException e) {
                bad.add(new TickCsv.BadRow(r.offset(), e.reason() + ": " + e.getMessage(), "partition " + r.partition()));
            }
        });
        // Partitions interleave arbitrarily; per-symbol order is what matters, and a stable sort by time keeps it.
        ticks.sort(java.util.Comparator.comparing(Tick::getEventTime));
        return new TickCsv.Result(ticks, bad);
    }
}
