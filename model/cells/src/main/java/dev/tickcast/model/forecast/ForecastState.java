package dev.tickcast.model.forecast;

import dev.tickcast.model.feature.Feature;
import dev.tickcast.schema.SymbolState;
import java.util.ArrayList;
import java.util.List;

/**
 * One symbol's memory, in primitive arrays for the per-tick path; {@link #toRecord()} and
 * {@link #fromRecord} convert to the Avro {@link SymbolState} that Flink checkpoints.
 */
public final class ForecastState {

    long modelVersion;
    /**
     * The line of the model the hidden state was built with (with {@link #modelVersion}, which model it was), or null
     * in a state written before lines were routed ({@link #assumeLine}).
     */
    String modelLine;

    float[] hidden = new float[0];
    double lastPrice;
    long lastTimeMs;
    /**
     * The last tick's volume, if it had one. Primitive on purpose: a boxed Double from each tick stored in this
     * long-lived object was a young object referenced from the old generation, and G1 scans the card of every such
     * reference in each young pause (one dirty card per symbol per pause, the largest part of the pause).
     */
    double lastVolume;

    boolean hasLastVolume;
    long ticks;

    /** Raw feature vectors (all of {@link Feature}) of recent steps: a ring, oldest at ringStart. */
    final float[] ring;

    int ringStart;
    int ringCount;

    double pendingForecast;
    long pendingVersion;
    double pendingLogReturn;
    /**
     * The model's own predicted log return behind the pending forecast (which took {@link ModelGuard}'s share of it).
     */
    double pendingModelLogReturn;

    /**
     * {@link ModelGuard}'s decayed evidence: sums of prediction², prediction × realised, realised², and the count (-1:
     * unknown).
     */
    double guardSxx;

    double guardSxy;
    double guardSyy;
    double guardCount;

    long evalCount;
    double sumAbsError;
    double sumSqError;
    double naiveSumAbsError;
    double naiveSumSqError;

    /** Evaluated forecasts that had a prediction interval, and how many of those held the actual price. */
    long intervalCount;

    long intervalHits;

    /**
     * Processing time (epoch ms) of the latest expiry timer the job registered for this symbol, or 0 (none yet, or a
     * state from before format 3). Job bookkeeping, not forecast state: the symbol's state is dropped when this timer
     * fires, and an earlier timer that fires finds a later time here and leaves the state alone.
     */
    long expiryTimerMs;

    /**
     * The open challenger's state of this symbol, advanced beside this one on every tick ({@link ShadowForecaster}),
     * or null (no challenge). Never has a shadow of its own.
     */
    ForecastState shadow;

    /** The pending forecasts of every horizon and their calibration, or null (none made yet, or in a shadow). */
    HorizonBook book;

    /**
     * Whether this is a challenger's state in shadow: its forecasts are scored at one tick only, so it keeps no
     * {@link #book} (which would double the state of every symbol during a challenge).
     */
    boolean inShadow;

    /** Recent log-return residuals: a ring, oldest at residualStart. */
    final float[] residuals;

    int residualStart;
    int residualCount;

    /**
     * {@link #residualRms()} of the residuals as they are, or NaN after they changed. Each forecast's
     * interval and, one tick later, its evaluation need the same value; not part of the state (recomputed).
     */
    private double cachedRms = Double.NaN;

    /**
     * The pending forecast's interval as {@code SymbolForecaster} built it, or NaN when not known here (a state
     * deserialised, or converted from an older record). Its evaluation one tick later would otherwise recompute it
     * (two exp per tick); not part of the state.
     */
    private double pendingLow = Double.NaN;

    private double pendingHigh = Double.NaN;

    public ForecastState(ForecastSettings settings) {
        this(settings.ringSteps(), settings.residualWindow());
    }

    private ForecastState(int ringSteps, int residualWindow) {
        this.ring = new float[ringSteps * Feature.COUNT];
        this.residuals = new float[residualWindow];
    }

    public long modelVersion() {
        return modelVersion;
    }

    public String modelLine() {
        return modelLine;
    }

    /** Whether the hidden state was built with {@code model} (its line and version). */
    boolean builtWith(dev.tickcast.model.file.Model model) {
        return modelVersion == model.version() && model.line().equals(modelLine);
    }

    /**
     * For a state written before lines were routed (no line recorded): its model was of {@code line}, the one line the
     * job served then, so that an upgrade re-warms no state whose model still serves it.
     */
    public void assumeLine(String line) {
        if (modelLine == null && modelVersion != 0) { // version 0: no model has built it
            modelLine = line;
        }
        if (shadow != null) {
            shadow.assumeLine(line);
        }
    }

    public long ticks() {
        return ticks;
    }

    public double lastPrice() {
        return lastPrice;
    }

    public long lastTimeMs() {
        return lastTimeMs;
    }

    public Double lastVolume() {
        return hasLastVolume ? lastVolume : null;
    }

    void lastVolume(Double volume) {
        hasLastVolume = volume != null;
        lastVolume = hasLastVolume ? volume : 0.0;
    }

    public int ringCount() {
        return ringCount;
    }

    public long intervalCount() {
        return intervalCount;
    }

    public long intervalHits() {
        return intervalHits;
    }

    public long expiryTimerMs() {
        return expiryTimerMs;
    }

    public void expiryTimerMs(long processingTimeMs) {
        expiryTimerMs = processingTimeMs;
    }

    public float[] hidden() {
        return hidden;
    }

    void pushInput(float[] raw) {
        int steps = ring.length / Feature.COUNT;
        int slot = (ringStart + ringCount) % steps;
        if (ringCount == steps) {
            ringStart = (ringStart + 1) % steps; // overwrite the oldest
        } else {
            ringCount++;
        }
        System.arraycopy(raw, 0, ring, slot * Feature.COUNT, Feature.COUNT);
    }

    /** Offset in {@link #ring} of the k-th oldest stored step. */
    int ringOffset(int k) {
        return ((ringStart + k) % (ring.length / Feature.COUNT)) * Feature.COUNT;
    }

    void pendingInterval(double low, double high) {
        pendingLow = low;
        pendingHigh = high;
    }

    boolean hasPendingInterval() {
        return !Double.isNaN(pendingLow);
    }

    double pendingLow() {
        return pendingLow;
    }

    double pendingHigh() {
        return pendingHigh;
    }

    void pushResidual(float residual) {
        int slot = (residualStart + residualCount) % residuals.length;
        if (residualCount == residuals.length) {
            residualStart = (residualStart + 1) % residuals.length;
        } else {
            residualCount++;
        }
        residuals[slot] = residual;
        cachedRms = Double.NaN;
    }

    /**
     * Root mean square of the stored residuals, summed oldest first so the result is reproducible: the
     * ring from its start to the array's end, then from index 0 (no modulo per element: it showed in profiles).
     */
    double residualRms() {
        if (!Double.isNaN(cachedRms)) {
            return cachedRms;
        }
        double sumSq = 0;
        int toEnd = Math.min(residualCount, residuals.length - residualStart);
        for (int i = residualStart; i < residualStart + toEnd; i++) {
            double r = residuals[i];
            sumSq += r * r;
        }
        for (int i = 0; i < residualCount - toEnd; i++) {
            double r = residuals[i];
            sumSq += r * r;
        }
        cachedRms = Math.sqrt(sumSq / residualCount);
        return cachedRms;
    }

    /** A deep copy (Flink's heap backend copies states it must keep apart for a running snapshot). */
    public ForecastState copy() {
        ForecastState c = new ForecastState(ring.length / Feature.COUNT, residuals.length);
        c.modelVersion = modelVersion;
        c.modelLine = modelLine;
        c.hidden = hidden.clone();
        c.lastPrice = lastPrice;
        c.lastTimeMs = lastTimeMs;
        c.lastVolume = lastVolume;
        c.hasLastVolume = hasLastVolume;
        c.ticks = ticks;
        System.arraycopy(ring, 0, c.ring, 0, ring.length);
        c.ringStart = ringStart;
        c.ringCount = ringCount;
        c.pendingForecast = pendingForecast;
        c.pendingVersion = pendingVersion;
        c.pendingLogReturn = pendingLogReturn;
        c.pendingModelLogReturn = pendingModelLogReturn;
        c.guardSxx = guardSxx;
        c.guardSxy = guardSxy;
        c.guardSyy = guardSyy;
        c.guardCount = guardCount;
        c.evalCount = evalCount;
        c.sumAbsError = sumAbsError;
        c.sumSqError = sumSqError;
        c.naiveSumAbsError = naiveSumAbsError;
        c.naiveSumSqError = naiveSumSqError;
        c.intervalCount = intervalCount;
        c.intervalHits = intervalHits;
        c.expiryTimerMs = expiryTimerMs;
        System.arraycopy(residuals, 0, c.residuals, 0, residuals.length);
        c.residualStart = residualStart;
        c.residualCount = residualCount;
        c.cachedRms = cachedRms;
        c.pendingLow = pendingLow;
        c.pendingHigh = pendingHigh;
        c.shadow = shadow == null ? null : shadow.copy();
        c.book = book == null ? null : book.copy();
        c.inShadow = inShadow;
        return c;
    }

    /** Whether a challenger runs beside this state ({@link ShadowForecaster}). */
    public boolean hasShadow() {
        return shadow != null;
    }

    /** The challenger's state of this symbol, or null. */
    public ForecastState shadow() {
        return shadow;
    }

    /**
     * Takes the served record of {@code served}: its running errors and interval counts (what the symbol's evaluations
     * report) and its expiry timer. (Its book of pending forecasts {@link ShadowForecaster} hands over itself.) A promoted challenger's state takes over from the champion's with them.
     */
    void takeServedRecord(ForecastState served) {
        evalCount = served.evalCount;
        sumAbsError = served.sumAbsError;
        sumSqError = served.sumSqError;
        naiveSumAbsError = served.naiveSumAbsError;
        naiveSumSqError = served.naiveSumSqError;
        intervalCount = served.intervalCount;
        intervalHits = served.intervalHits;
        expiryTimerMs = served.expiryTimerMs;
    }

    /** This state as a new challenger's shadow: a copy, without the served forecasts' book. */
    ForecastState newShadow() {
        ForecastState c = copy();
        c.book = null;
        c.inShadow = true;
        return c;
    }

    /** The naive forecast's mean squared error over the symbol's evaluations; 0 before any. */
    double naiveMeanSquaredError() {
        return evalCount == 0 ? 0.0 : naiveSumSqError / evalCount;
    }

    /** The weight {@link ModelGuard} gives the model's next prediction under these settings. */
    public double guardWeight(GuardSettings guard) {
        return ModelGuard.weight(this, guard);
    }

    /**
     * As the Avro record of the first builds; the guard's evidence, which that record has no field for, is left out
     * (read back, it is rebuilt from the ring).
     */
    public SymbolState toRecord() {
        List<Float> hiddenList = new ArrayList<>(hidden.length);
        for (float v : hidden) {
            hiddenList.add(v);
        }
        List<Float> inputs = new ArrayList<>(ringCount * Feature.COUNT);
        for (int k = 0; k < ringCount; k++) {
            int offset = ringOffset(k);
            for (int f = 0; f < Feature.COUNT; f++) {
                inputs.add(ring[offset + f]);
            }
        }
        List<Float> res = new ArrayList<>(residualCount);
        for (int k = 0; k < residualCount; k++) {
            res.add(residuals[(residualStart + k) % residuals.length]);
        }
        return SymbolState.newBuilder()
                .setModelVersion(modelVersion)
                .setHidden(hiddenList)
                .setLastPrice(lastPrice)
                .setLastTime(lastTimeMs)
                .setLastVolume(lastVolume())
                .setTicks(ticks)
                .setRecentInputs(inputs)
                .setPendingForecast(pendingForecast)
                .setPendingVersion(pendingVersion)
                .setPendingLogReturn(pendingLogReturn)
                .setEvalCount(evalCount)
                .setSumAbsError(sumAbsError)
                .setSumSqError(sumSqError)
                .setNaiveSumAbsError(naiveSumAbsError)
                .setNaiveSumSqError(naiveSumSqError)
                .setRecentResiduals(res)
                .setIntervalCount(intervalCount)
                .setIntervalHits(intervalHits)
                .build();
    }

    /** Restores a state; if the record holds more history than the settings keep, the newest is kept. */
    public static ForecastState fromRecord(SymbolState record, ForecastSettings settings) {
        ForecastState s = new ForecastState(settings);
        s.modelVersion = record.getModelVersion();
        List<Float> hidden = record.getHidden();
        s.hidden = new float[hidden.size()];
        for (int i = 0; i < s.hidden.length; i++) {
            s.hidden[i] = hidden.get(i);
        }
        s.lastPrice = record.getLastPrice();
        s.lastTimeMs = record.getLastTime();
        s.lastVolume(record.getLastVolume());
        s.ticks = record.getTicks();
        List<Float> inputs = record.getRecentInputs();
        float[] raw = new float[Feature.COUNT];
        for (int k = 0; k + Feature.COUNT <= inputs.size(); k += Feature.COUNT) {
            for (int f = 0; f < Feature.COUNT; f++) {
                raw[f] = inputs.get(k + f);
            }
            s.pushInput(raw);
        }
        s.pendingForecast = record.getPendingForecast();
        s.pendingVersion = record.getPendingVersion();
        s.pendingLogReturn = record.getPendingLogReturn();
        s.pendingModelLogReturn = s.pendingLogReturn; // the builds that wrote SymbolState served the model as it was
        ModelGuard.markUnknown(s);
        s.evalCount = record.getEvalCount();
        s.sumAbsError = record.getSumAbsError();
        s.sumSqError = record.getSumSqError();
        s.naiveSumAbsError = record.getNaiveSumAbsError();
        s.naiveSumSqError = record.getNaiveSumSqError();
        s.intervalCount = record.getIntervalCount();
        s.intervalHits = record.getIntervalHits();
        for (float r : record.getRecentResiduals()) {
            s.pushResidual(r);
        }
        return s;
    }
}
