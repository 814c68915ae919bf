package dev.tickcast.model.feature;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The features a model may use, computed from a symbol's previous and current tick. They are defined
 * here once, so the trainer, the backtest and the Flink job cannot disagree.
 */
public enum Feature {
    /** ln(price / previous price). */
    LOG_RETURN("log_return"),
    /** ln(1 + seconds since the previous tick): tells ticks from daily bars. */
    LOG_GAP("log_gap"),
    /** ln(1 + volume); a tick without volume counts as volume 0. */
    LOG_VOLUME("log_volume");

    /** Every feature, in this order, is what a symbol's ring buffer stores per step. */
    public static final int COUNT = values().length;

    private final String wireName;

    Feature(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Feature fromWireName(String name) {
        for (Feature f : values()) {
            if (f.wireName.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown feature '" + name + "'; this build knows "
                + Arrays.stream(values()).map(Feature::wireName).collect(Collectors.joining(", ")));
    }

    /**
     * Writes every feature's raw (unscaled) value, in enum order, into {@code raw[offset ..]}. Values
     * are rounded to float here, once, so live steps and re-warming from the ring buffer see the same
     * numbers.
     */
    public static void computeRaw(
            double previousPrice,
            long previousTimeMs,
            double price,
            long timeMs,
            Double volume,
            float[] raw,
            int offset) {
        computeRaw(logReturn(previousPrice, price), previousTimeMs, timeMs, volume, raw, offset);
    }

    /** ln(price / previous price), in double: {@link #LOG_RETURN} is this rounded to float. */
    public static double logReturn(double previousPrice, double price) {
        return Math.log(price / previousPrice);
    }

    /**
     * As {@link #computeRaw(double, long, double, long, Double, float[], int)}, given the tick's {@link #logReturn}
     * (the per-tick path needs it in double as well, and computes it once).
     */
    public static void computeRaw(
            double logReturn, long previousTimeMs, long timeMs, Double volume, float[] raw, int offset) {
        raw[offset + LOG_RETURN.ordinal()] = (float) logReturn;
        raw[offset + LOG_GAP.ordinal()] = (float) Log1p.of(Math.max(0L, timeMs - previousTimeMs) / 1000.0);
        raw[offset + LOG_VOLUME.ordinal()] = (float) Log1p.of(volume == null ? 0.0 : Math.max(0.0, volume));
    }
}
