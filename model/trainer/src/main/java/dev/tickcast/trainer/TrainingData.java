package dev.tickcast.trainer;

import dev.tickcast.model.feature.Feature;
import dev.tickcast.model.feature.FeatureScaler;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.ForecastState;
import dev.tickcast.model.forecast.SymbolForecaster;
import dev.tickcast.model.forecast.TickOrder;
import dev.tickcast.schema.FeatureSpec;
import dev.tickcast.schema.Tick;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ticks turned into what the network trains on, with the very feature code the job runs: per symbol,
 * the accepted ticks (same order and duplicate rules as the job), each step's raw features and its
 * target (the next tick's log return), split by time into training (earlier) and validation (latest
 * fraction), the scaler fitted on the training part, and fixed-length training windows.
 */
public final class TrainingData {

    /** One symbol's accepted ticks: times and prices, and where validation starts. */
    record Series(String symbol, long[] timesMs, double[] prices, Double[] volumes, int validationStart) {}

    private final List<Series> series;
    private final FeatureSpec spec;
    private final List<float[]> windowsX; // per window: [window][inputSize] flattened, scaled
    private final List<float[]> windowsY; // per window: [window] scaled targets
    private final long trainSteps;
    private final long trainStartMs;
    private final long trainEndMs;
    private final long validationEndMs;
    private final int window;
    private final int inputSize;

    private TrainingData(
            List<Series> series,
            FeatureSpec spec,
            List<float[]> wx,
            List<float[]> wy,
            long trainSteps,
            long trainStartMs,
            long trainEndMs,
            long validationEndMs,
            int window,
            int inputSize) {
        this.series = series;
        this.spec = spec;
        this.windowsX = wx;
        this.windowsY = wy;
        this.trainSteps = trainSteps;
        this.trainStartMs = trainStartMs;
        this.trainEndMs = trainEndMs;
        this.validationEndMs = validationEndMs;
        this.window = window;
        this.inputSize = inputSize;
    }

    /**
     * @throws IllegalArgumentException when no symbol has enough ticks for one training window, saying how many are
     * needed
     */
    public static TrainingData build(List<Tick> ticks, TrainingSettings settings) {
        return build(ticks, settings, null);
    }

    /**
     * @param fixedSpec the scaler to use instead of fitting one (a warm start keeps the scaler its weights were
     *     trained with), or null to fit on this data
     */
    public static TrainingData build(List<Tick> ticks, TrainingSettings settings, FeatureSpec fixedSpec) {
        List<Series> series = acceptedSeries(ticks, settings.validationFraction());
        // Raw features and targets of every training step: step t uses ticks t-1, t and targets tick t+1.
        List<float[]> rawPerSeries = new ArrayList<>();
        List<double[]> targetsPerSeries = new ArrayList<>();
        int rows = 0;
        int[] horizons = settings.horizons();
        int outputs = horizons.length;
        int longest = settings.longestHorizon();
        List<double[]> horizonTargetsPerSeries = new ArrayList<>();
        for (Series s : series) {
            // Step t needs the price of tick t + longest within the training part.
            int steps = Math.max(0, s.validationStart() - 1 - longest);
            float[] raw = new float[steps * Feature.COUNT];
            double[] targets = new double[steps];
            double[] horizonTargets = new double[steps * outputs];
            for (int k = 0; k < steps; k++) {
                int t = k + 1;
                Feature.computeRaw(
                        s.prices()[t - 1],
                        s.timesMs()[t - 1],
                        s.prices()[t],
                        s.timesMs()[t],
                        s.volumes()[t],
                        raw,
                        k * Feature.COUNT);
                targets[k] = Math.log(s.prices()[t + 1] / s.prices()[t]);
                for (int j = 0; j < outputs; j++) {
                    horizonTargets[k * outputs + j] = Math.log(s.prices()[t + horizons[j]] / s.prices()[t]);
                }
            }
            horizonTargetsPerSeries.add(horizonTargets);
            rawPerSeries.add(raw);
            targetsPerSeries.add(targets);
            rows += steps;
        }
        float[] allRaw = new float[rows * Feature.COUNT];
        double[] allTargets = new double[rows];
        int at = 0;
        for (int i = 0; i < rawPerSeries.size(); i++) {
            System.arraycopy(rawPerSeries.get(i), 0, allRaw, at * Feature.COUNT, rawPerSeries.get(i).length);
            System.arraycopy(targetsPerSeries.get(i), 0, allTargets, at, targetsPerSeries.get(i).length);
            at += targetsPerSeries.get(i).length;
        }
        FeatureSpec spec = fixedSpec != null
                ? fixedSpec
                : FeatureScaler.fit(settings.features(), allRaw, rows, allTargets, settings.clip());
        FeatureScaler scaler = new FeatureScaler(spec);

        int n = scaler.inputSize();
        int w = settings.window();
        List<float[]> wx = new ArrayList<>();
        List<float[]> wy = new ArrayList<>();
        float[] x = new float[n];
        for (int i = 0; i < series.size(); i++) {
            float[] raw = rawPerSeries.get(i);
            double[] targets = horizonTargetsPerSeries.get(i);
            int steps = targetsPerSeries.get(i).length;
            if (steps < w) {
                continue;
            }
            // Non-overlapping windows; the last one is aligned to the end so no step is left out.
            for (int start = 0; start < steps; start += w) {
                int s0 = Math.min(start, steps - w);
                float[] bx = new float[w * n];
                float[] by = new float[w * outputs];
                for (int k = 0; k < w; k++) {
                    scaler.scale(raw, (s0 + k) * Feature.COUNT, x);
                    System.arraycopy(x, 0, bx, k * n, n);
                    for (int j = 0; j < outputs; j++) {
                        by[k * outputs + j] = scaler.scaleTarget(targets[(s0 + k) * outputs + j], horizons[j]);
                    }
                }
                wx.add(bx);
                wy.add(by);
                if (s0 + w >= steps) {
                    break;
                }
            }
        }
        if (wx.isEmpty()) {
            throw new IllegalArgumentException("no symbol has enough ticks to train: a window of " + w
                    + " steps needs at least "
                    + (int) Math.ceil((w + 2 + longest) / (1 - settings.validationFraction()))
                    + " accepted ticks of one symbol; found "
                    + series.stream().mapToInt(s -> s.prices().length).max().orElse(0)
                    + " at most (lower --window or give more data)");
        }
        long trainStart = Long.MAX_VALUE;
        long trainEnd = Long.MIN_VALUE;
        long validationEnd = Long.MIN_VALUE;
        for (Series s : series) {
            trainStart = Math.min(trainStart, s.timesMs()[0]);
            trainEnd = Math.max(trainEnd, s.timesMs()[Math.max(0, s.validationStart() - 1)]);
            validationEnd = Math.max(validationEnd, s.timesMs()[s.timesMs().length - 1]);
        }
        return new TrainingData(series, spec, wx, wy, rows, trainStart, trainEnd, validationEnd, w, n);
    }

    /** Groups ticks by symbol keeping file order, dropping what the job would dead-letter (out of order, duplicate). */
    private static List<Series> acceptedSeries(List<Tick> ticks, double validationFraction) {
        SymbolForecaster naive = new SymbolForecaster(ForecastSettings.DEFAULTS);
        Map<String, ForecastState> states = new HashMap<>();
        Map<String, List<Tick>> accepted = new LinkedHashMap<>();
        for (Tick t : ticks) {
            ForecastState state = states.computeIfAbsent(t.getSymbol(), s -> naive.newState());
            long ms = t.getEventTime().toEpochMilli();
            if (TickOrder.check(state, ms, t.getPrice(), t.getVolume()) != null) {
                continue;
            }
            naive.onTick(state, null, t.getSymbol(), ms, t.getPrice(), t.getVolume());
            accepted.computeIfAbsent(t.getSymbol(), s -> new ArrayList<>()).add(t);
        }
        List<Series> out = new ArrayList<>();
        for (Map.Entry<String, List<Tick>> e : accepted.entrySet()) {
            List<Tick> list = e.getValue();
            int n = list.size();
            long[] times = new long[n];
            double[] prices = new double[n];
            Double[] volumes = new Double[n];
            for (int i = 0; i < n; i++) {
                times[i] = list.get(i).getEventTime().toEpochMilli();
                prices[i] = list.get(i).getPrice();
                volumes[i] = list.get(i).getVolume();
            }
            int validationStart = Math.min(n, (int) Math.ceil(n * (1 - validationFraction)));
            out.add(new Series(e.getKey(), times, prices, volumes, validationStart));
        }
        return out;
    }

    public FeatureSpec spec() {
        return spec;
    }

    public int inputSize() {
        return inputSize;
    }

    public int window() {
        return window;
    }

    public int windowCount() {
        return windowsX.size();
    }

    /** Scaled inputs of window i: [window][inputSize] row-major. */
    public float[] windowInputs(int i) {
        return windowsX.get(i);
    }

    /** Scaled targets of window i: [window][horizons] row-major. */
    public float[] windowTargets(int i) {
        return windowsY.get(i);
    }

    public int symbols() {
        return series.size();
    }

    public long trainSteps() {
        return trainSteps;
    }

    public long trainStartMs() {
        return trainStartMs;
    }

    public long trainEndMs() {
        return trainEndMs;
    }

    public long validationEndMs() {
        return validationEndMs;
    }

    /** Per symbol, the event time of its first validation tick (Long.MAX_VALUE when it has none). */
    public Map<String, Long> validationCutoffs() {
        Map<String, Long> cutoffs = new HashMap<>();
        for (Series s : series) {
            cutoffs.put(
                    s.symbol(),
                    s.validationStart() < s.timesMs().length ? s.timesMs()[s.validationStart()] : Long.MAX_VALUE);
        }
        return cutoffs;
    }
}
