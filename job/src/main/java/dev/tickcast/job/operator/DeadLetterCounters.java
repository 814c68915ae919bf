package dev.tickcast.job.operator;

import dev.tickcast.schema.DeadLetterReason;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** One counter per dead-letter reason ({@code deadLetters} with label {@code reason}), made on first use. */
final class DeadLetterCounters {

    private final MetricGroup group;
    private final Map<DeadLetterReason, Counter> counters = new EnumMap<>(DeadLetterReason.class);

    DeadLetterCounters(MetricGroup operatorGroup) {
        this.group = operatorGroup;
    }

    void inc(DeadLetterReason reason) {
        counters.computeIfAbsent(reason, r -> group.addGroup("reason", r.name()).counter("deadLetters"))
                .inc();
    }
}
