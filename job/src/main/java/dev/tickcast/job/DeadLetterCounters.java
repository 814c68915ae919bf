package dev.tickcast.job;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** One counter per dead-letter reason ({@code deadLetters} with label {@code reason}), made on first use. */
final class DeadLetterCounters {

    private final MetricGroup group;
    private final Map<String, Counter> counters = new HashMap<>();

    DeadLetterCounters(MetricGroup operatorGroup) {
        this.group = operatorGroup;
    }

    void inc(String reason) {
        counters.computeIfAbsent(reason, r -> group.addGroup("reason", r).counter("deadLetters")).inc();
    }
}
