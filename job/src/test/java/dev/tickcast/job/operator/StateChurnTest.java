package dev.tickcast.job.operator;

import static dev.tickcast.job.TickBuilder.tick;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bounded state under churn: 50,000 short-lived symbols in waves, each wave's symbols idle for longer
 * than the TTL once the next wave starts. Without cleanup the keyed state would hold every symbol ever
 * seen; with it, it holds about the live ones.
 */
class StateChurnTest {

    private static final int WAVES = 50;
    private static final int SYMBOLS_PER_WAVE = 1_000;

    @Test
    void idleSymbolsStateIsCleanedUpSoStateStaysBoundedUnderChurn() throws Exception {
        List<Integer> sizes = new ArrayList<>();
        try (ForecastHarness h = ForecastHarness.open()) {
            long ttlMs = ForecastHarness.TTL.toMillis();
            Instant t0 = Instant.parse("2024-01-01T00:00:00Z");
            for (int wave = 0; wave < WAVES; wave++) {
                h.setProcessingTime(wave * (ttlMs + 1)); // the previous wave is now idle for longer than the TTL
                for (int s = 0; s < SYMBOLS_PER_WAVE; s++) {
                    String symbol = "W" + wave + "-" + s;
                    h.tick(tick(symbol, t0.plusSeconds(wave)).price(10 + s % 7));
                    h.tick(tick(symbol, t0.plusSeconds(wave).plusMillis(1)).price(11 + s % 7));
                }
                sizes.add(h.numKeyedStateEntries());
                h.clearOutputs();
            }
        }
        int total = WAVES * SYMBOLS_PER_WAVE;
        int max = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
        System.out.printf(
                "churn: %,d symbols seen, keyed state entries per wave %s, max %,d%n", total, sizes.subList(0, 5), max);
        assertThat(sizes.get(WAVES - 1)).isLessThanOrEqualTo(3 * SYMBOLS_PER_WAVE);
        assertThat(max).isLessThanOrEqualTo(3 * SYMBOLS_PER_WAVE).isLessThan(total / 10);
    }
}
