package dev.tickcast.model.forecast;

import java.util.Arrays;

/**
 * A symbol's forecasts at every horizon that are still waiting for their price, and the calibration of their
 * intervals: the part of {@link ForecastState} that horizons and calibrated intervals add.
 *
 * <p>The forecast of horizon h made at a tick is evaluated at the symbol's h-th next tick, so each horizon keeps a
 * ring of its last h forecasts, and one ring keeps the price and time of the last max(h) ticks they were made at.
 * A forecast is kept as floats (its log return, the model's, and e^w − 1 of each interval's half-width w), and the
 * forecast and interval the job emitted are computed from those same floats, so that the evaluation, which
 * recomputes them, finds the very bits that were emitted. Horizon 1's point forecast is the state's own pending
 * forecast, kept as a double as ever.
 */
final class HorizonBook {

    /** Per pending forecast: its log return, the model's own log return, then e^w − 1 per level (NaN: none). */
    static final int LOG_RETURN = 0;

    static final int MODEL_LOG_RETURN = 1;
    static final int FIRST_INTERVAL = 2;

    final int[] horizons;
    /** The levels the multipliers are calibrated for. */
    final float[] levels;
    /** Each horizon's and level's interval multiplier q: [horizon index · levels + level index]. */
    final float[] multipliers;

    final long[] baseTimes;
    final double[] basePrices;
    int baseStart;
    int baseCount;

    /** Per horizon: its ring of {@link #slotSize()} floats per pending forecast, oldest at pendingStart. */
    final float[][] pending;

    final int[] pendingStart;
    final int[] pendingCount;

    HorizonBook(int[] horizons, float[] levels) {
        this.horizons = horizons.clone();
        this.levels = levels.clone();
        this.multipliers = new float[horizons.length * levels.length];
        int longest = horizons[horizons.length - 1];
        this.baseTimes = new long[longest];
        this.basePrices = new double[longest];
        this.pending = new float[horizons.length][];
        for (int k = 0; k < horizons.length; k++) {
            pending[k] = new float[horizons[k] * slotSize()];
        }
        this.pendingStart = new int[horizons.length];
        this.pendingCount = new int[horizons.length];
    }

    /** A book for these horizons and levels, each multiplier at its level's prior. */
    static HorizonBook fresh(int[] horizons, IntervalSettings intervals) {
        float[] levels = new float[intervals.count()];
        for (int l = 0; l < levels.length; l++) {
            levels[l] = (float) intervals.level(l);
        }
        HorizonBook book = new HorizonBook(horizons, levels);
        for (int k = 0; k < horizons.length; k++) {
            for (int l = 0; l < levels.length; l++) {
                book.multipliers[k * levels.length + l] = intervals.prior(l);
            }
        }
        return book;
    }

    /** Whether this book serves a model of these horizons under these interval levels. */
    boolean fits(int[] horizons, IntervalSettings intervals) {
        if (!Arrays.equals(this.horizons, horizons) || levels.length != intervals.count()) {
            return false;
        }
        for (int l = 0; l < levels.length; l++) {
            if (levels[l] != (float) intervals.level(l)) {
                return false;
            }
        }
        return true;
    }

    int slotSize() {
        return FIRST_INTERVAL + levels.length;
    }

    void pushBase(long timeMs, double price) {
        int slot = (baseStart + baseCount) % basePrices.length;
        if (baseCount == basePrices.length) {
            baseStart = (baseStart + 1) % basePrices.length;
        } else {
            baseCount++;
        }
        baseTimes[slot] = timeMs;
        basePrices[slot] = price;
    }

    /** Index in the base ring of the tick {@code age} ticks before the newest (age 0: the newest). */
    int baseIndex(int age) {
        return (baseStart + baseCount - 1 - age) % basePrices.length;
    }

    /** Whether horizon k's oldest pending forecast is due: it was made horizons[k] ticks ago. */
    boolean due(int k) {
        return pendingCount[k] == horizons[k];
    }

    /** Offset in pending[k] of its oldest forecast. */
    int oldest(int k) {
        return pendingStart[k] * slotSize();
    }

    /** Offset in pending[k] of a new forecast, which takes the oldest's place once the ring is full. */
    int push(int k) {
        int capacity = horizons[k];
        int slot = (pendingStart[k] + pendingCount[k]) % capacity;
        if (pendingCount[k] == capacity) {
            pendingStart[k] = (pendingStart[k] + 1) % capacity;
        } else {
            pendingCount[k]++;
        }
        return slot * slotSize();
    }

    HorizonBook copy() {
        HorizonBook c = new HorizonBook(horizons, levels);
        System.arraycopy(multipliers, 0, c.multipliers, 0, multipliers.length);
        System.arraycopy(baseTimes, 0, c.baseTimes, 0, baseTimes.length);
        System.arraycopy(basePrices, 0, c.basePrices, 0, basePrices.length);
        c.baseStart = baseStart;
        c.baseCount = baseCount;
        for (int k = 0; k < horizons.length; k++) {
            System.arraycopy(pending[k], 0, c.pending[k], 0, pending[k].length);
        }
        System.arraycopy(pendingStart, 0, c.pendingStart, 0, pendingStart.length);
        System.arraycopy(pendingCount, 0, c.pendingCount, 0, pendingCount.length);
        return c;
    }
}
