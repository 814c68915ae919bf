package dev.tickcast.model.forecast;

import dev.tickcast.model.cell.RecurrentNetwork;
import dev.tickcast.model.feature.Feature;
import dev.tickcast.model.feature.FeatureScaler;
import dev.tickcast.model.file.Model;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ForecastInterval;
import dev.tickcast.schema.HorizonEvaluation;
import dev.tickcast.schema.HorizonForecast;
import dev.tickcast.schema.IntervalOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-tick forecasting step, shared by the Flink job and the offline backtest so that both give
 * the same numbers bit for bit: evaluate the pending forecast, compute features, (re-warm if the model
 * changed), one network step, next forecast: the naive price moved by {@link ModelGuard}'s share of the model's
 * predicted move.
 *
 * <p>Ticks must already be valid and in order per symbol (see {@code TickRules}). Holds scratch
 * buffers only; one instance per thread.
 */
public final class SymbolForecaster {

    private final ForecastSettings settings;
    private final float[] raw = new float[Feature.COUNT];
    private final float[] out = new float[Model.MAX_HORIZONS];
    private final double[] modelLogReturns = new double[Model.MAX_HORIZONS];
    private float[] x = new float[Feature.COUNT];

    public SymbolForecaster(ForecastSettings settings) {
        this.settings = settings;
    }

    public ForecastSettings settings() {
        return settings;
    }

    public ForecastState newState() {
        return new ForecastState(settings);
    }

    /**
     * Processes one tick of the state's symbol.
     *
     * @param model the serving model, or null before any model: then the forecast is the naive last price, version 0
     */
    public TickOutcome onTick(
            ForecastState state, Model model, String symbol, long timeMs, double price, Double volume) {
        if (state.ticks == 0) {
            // No previous price, no return: the first forecast is the naive one.
            state.ticks = 1;
            state.lastPrice = price;
            state.lastTimeMs = timeMs;
            state.lastVolume(volume);
            zeroModelLogReturns(model);
            return new TickOutcome(forecast(state, symbol, timeMs, price, 0.0, null, horizonsOf(model)), null);
        }
        double tickLogReturn = Feature.logReturn(state.lastPrice, price);
        Feature.computeRaw(tickLogReturn, state.lastTimeMs, timeMs, volume, raw, 0);
        Evaluation evaluation =
                evaluate(state, symbol, timeMs, price, tickLogReturn, raw[Feature.LOG_RETURN.ordinal()]);
        state.pushInput(raw);
        state.ticks++;
        state.lastPrice = price;
        state.lastTimeMs = timeMs;
        state.lastVolume(volume);
        double weight = 0.0;
        zeroModelLogReturns(model);
        if (model != null) {
            if (!state.builtWith(model)
                    || state.hidden.length != model.network().stateSize()) {
                rewarm(state, model);
            } else if (ModelGuard.isUnknown(state)) {
                replayRing(state, model, model.network().newState()); // the hidden state is kept; only the evidence
            }
            stepNewest(state, model);
            weight = ModelGuard.weight(state, settings.guard());
        } else {
            // The hidden state misses this tick: should the same model serve the symbol again (its route led to no
            // model for a while), it is rebuilt from the ring, not stepped on from where it stopped.
            state.modelVersion = 0;
            state.modelLine = null;
        }
        return new TickOutcome(forecast(state, symbol, timeMs, price, weight, model, horizonsOf(model)), evaluation);
    }

    /** Set for one tick whose book the caller has evaluated already ({@link #onTickWithBookEvaluated}). */
    private boolean bookEvaluated;

    /**
     * {@link #onTick} of a tick whose due forecasts of {@code state}'s book were evaluated already (by {@link
     * #evaluateHorizons}, on the state that served them): the promotion of a challenger hands the book over.
     */
    TickOutcome onTickWithBookEvaluated(
            ForecastState state, Model model, String symbol, long timeMs, double price, Double volume) {
        bookEvaluated = true;
        try {
            return onTick(state, model, symbol, timeMs, price, volume);
        } finally {
            bookEvaluated = false;
        }
    }

    private static final int[] NAIVE_HORIZONS = {1};

    private static int[] horizonsOf(Model model) {
        return model == null ? NAIVE_HORIZONS : model.horizonsView();
    }

    private void zeroModelLogReturns(Model model) {
        java.util.Arrays.fill(modelLogReturns, 0, horizonsOf(model).length, 0.0);
    }

    /**
     * Rebuilds the hidden state for {@code model} from zero by replaying every stored input but the
     * newest (which the caller steps next), so a new model starts warm, with the guard's evidence of that replay.
     */
    public void rewarm(ForecastState state, Model model) {
        state.hidden = model.network().newState();
        replayRing(state, model, state.hidden);
        state.modelVersion = model.version();
        state.modelLine = model.line();
    }

    /**
     * Steps {@code hidden} through every stored input but the newest, and gives the guard, from zero, the evidence
     * of each step: the model's prediction from it against the log return the ring holds for the next step.
     */
    private void replayRing(ForecastState state, Model model, float[] hidden) {
        RecurrentNetwork network = model.network();
        FeatureScaler scaler = model.scaler();
        ensureInputBuffer(scaler);
        ModelGuard.reset(state);
        for (int k = 0; k < state.ringCount - 1; k++) {
            scaler.scale(state.ring, state.ringOffset(k), x);
            network.step(x, hidden, out);
            double realised = state.ring[state.ringOffset(k + 1) + Feature.LOG_RETURN.ordinal()];
            ModelGuard.observe(state, settings.guard(), scaler.logReturn(out[0]), realised);
        }
    }

    /** Steps the newest input; the model's log return to each of its horizons is then in {@link #modelLogReturns}. */
    private void stepNewest(ForecastState state, Model model) {
        FeatureScaler scaler = model.scaler();
        ensureInputBuffer(scaler);
        scaler.scale(state.ring, state.ringOffset(state.ringCount - 1), x);
        model.network().step(x, state.hidden, out);
        modelLogReturns[0] = scaler.logReturn(out[0]);
        int[] horizons = model.horizonsView();
        for (int k = 1; k < horizons.length; k++) {
            modelLogReturns[k] = scaler.logReturn(out[k], horizons[k]);
        }
    }

    private void ensureInputBuffer(FeatureScaler scaler) {
        if (x.length < scaler.inputSize()) {
            x = new float[scaler.inputSize()];
        }
    }

    /**
     * @param weight the guard's share of the model's predicted move that the forecast takes, at every horizon
     * @param horizons the model's horizons; the model's log return to each is in {@link #modelLogReturns}
     */
    private Forecast forecast(
            ForecastState state, String symbol, long timeMs, double price, double weight, Model model, int[] horizons) {
        double modelLogReturn = modelLogReturns[0];
        double logReturn = weight == 0 ? 0.0 : weight * modelLogReturn; // naive is +0.0, not -0.0
        double forecastPrice = price * Math.exp(logReturn);
        double low = forecastPrice;
        double high = forecastPrice;
        if (hasInterval(state)) {
            double halfWidth = halfWidth(state);
            low = price * Math.exp(logReturn - halfWidth);
            high = price * Math.exp(logReturn + halfWidth);
            state.pendingInterval(low, high);
        } else {
            state.pendingInterval(Double.NaN, Double.NaN);
        }
        long version = model == null ? 0L : model.version();
        state.pendingForecast = forecastPrice;
        state.pendingVersion = version;
        state.pendingLogReturn = logReturn;
        state.pendingModelLogReturn = modelLogReturn;
        // The no-argument constructor and primitive setters: this runs per tick, and both the builder (field
        // arrays, validation) and Avro's all-fields constructor (every double and long boxed) allocate far more.
        Forecast f = new Forecast();
        f.setSymbol(symbol);
        f.setEventTime(Instant.ofEpochMilli(timeMs));
        f.setLastPrice(price);
        f.setForecastPrice(forecastPrice);
        f.setForecastLogReturn(logReturn);
        f.setIntervalLow(low);
        f.setIntervalHigh(high);
        f.setModelVersion(version);
        f.setCellType(model == null ? null : model.cellType());
        f.setModelName(model == null ? null : model.line());
        f.setModelLogReturn(modelLogReturn);
        f.setGuardWeight(weight);
        f.setHorizons(state.inShadow ? List.of() : horizonForecasts(state, timeMs, price, weight, horizons));
        return f;
    }

    /**
     * The forecast at every horizon, each recorded in the symbol's book until its price arrives: horizon 1 is the
     * forecast just made; a longer one takes the guard's share of the model's cumulative log return, as a float
     * (which the book keeps). Intervals once the symbol has enough residuals.
     */
    private List<HorizonForecast> horizonForecasts(
            ForecastState state, long timeMs, double price, double weight, int[] horizons) {
        IntervalSettings intervals = settings.intervals();
        if (state.book == null || !state.book.fits(horizons, intervals)) {
            state.book = HorizonBook.fresh(horizons, intervals); // pending forecasts of other horizons lapse
        }
        HorizonBook book = state.book;
        book.pushBase(timeMs, price);
        boolean withIntervals = hasInterval(state);
        double rms = withIntervals ? state.residualRms() : 0.0;
        int levels = intervals.count();
        List<HorizonForecast> out = new ArrayList<>(horizons.length);
        for (int k = 0; k < horizons.length; k++) {
            int at = book.push(k);
            float[] slot = book.pending[k];
            double logReturn;
            double modelLogReturn;
            double forecastPrice;
            if (k == 0) {
                logReturn = state.pendingLogReturn;
                modelLogReturn = state.pendingModelLogReturn;
                forecastPrice = state.pendingForecast;
            } else {
                float served = weight == 0 ? 0f : (float) (weight * modelLogReturns[k]);
                slot[at + HorizonBook.LOG_RETURN] = served;
                slot[at + HorizonBook.MODEL_LOG_RETURN] = (float) modelLogReturns[k];
                logReturn = served;
                modelLogReturn = slot[at + HorizonBook.MODEL_LOG_RETURN];
                forecastPrice = price * Math.exp(logReturn);
            }
            List<ForecastInterval> bands = new ArrayList<>(withIntervals ? levels : 0);
            double scale = withIntervals ? rms * Math.sqrt(horizons[k]) : 0.0;
            for (int l = 0; l < levels; l++) {
                if (!withIntervals) {
                    slot[at + HorizonBook.FIRST_INTERVAL + l] = Float.NaN;
                    continue;
                }
                double halfWidth = Math.min(book.multipliers[k * levels + l] * scale, MAX_HALF_WIDTH);
                float grow = (float) Math.expm1(halfWidth);
                slot[at + HorizonBook.FIRST_INTERVAL + l] = grow;
                double factor = 1.0 + grow;
                bands.add(new ForecastInterval(intervals.level(l), forecastPrice / factor, forecastPrice * factor));
            }
            out.add(new HorizonForecast(horizons[k], forecastPrice, logReturn, modelLogReturn, bands));
        }
        return out;
    }

    /**
     * Evaluates every forecast of the symbol's book that this tick realises (made horizon ticks before it), and
     * calibrates each interval's multiplier with whether it held the price. Before the tick enters the state:
     * {@code state.lastPrice} is still the previous tick's.
     */
    List<HorizonEvaluation> evaluateHorizons(ForecastState state, double price) {
        HorizonBook book = state.book;
        if (book == null) {
            return List.of();
        }
        IntervalSettings intervals = settings.intervals();
        boolean calibrate = book.fits(book.horizons, intervals); // levels as this job's: else the book starts afresh
        int levels = book.levels.length;
        List<HorizonEvaluation> out = new ArrayList<>(book.horizons.length);
        for (int k = 0; k < book.horizons.length; k++) {
            if (!book.due(k)) {
                continue;
            }
            int h = book.horizons[k];
            int base = book.baseIndex(h - 1);
            double naivePrice = book.basePrices[base];
            float[] slot = book.pending[k];
            int at = book.oldest(k);
            double forecastPrice;
            double modelPrice;
            if (k == 0) {
                forecastPrice = state.pendingForecast;
                modelPrice =
                        state.pendingVersion == 0 ? naivePrice : naivePrice * Math.exp(state.pendingModelLogReturn);
            } else {
                forecastPrice = naivePrice * Math.exp(slot[at + HorizonBook.LOG_RETURN]);
                modelPrice = naivePrice * Math.exp(slot[at + HorizonBook.MODEL_LOG_RETURN]);
            }
            List<IntervalOutcome> bands = new ArrayList<>(levels);
            for (int l = 0; l < levels; l++) {
                float grow = slot[at + HorizonBook.FIRST_INTERVAL + l];
                if (Float.isNaN(grow)) {
                    continue;
                }
                double factor = 1.0 + grow;
                double low = forecastPrice / factor;
                double high = forecastPrice * factor;
                boolean covered = price >= low && price <= high;
                double level = calibrate ? intervals.level(l) : book.levels[l];
                bands.add(new IntervalOutcome(level, low, high, covered));
                if (calibrate) {
                    int q = k * levels + l;
                    double next = book.multipliers[q] * (covered ? intervals.hitFactor(l) : intervals.missFactor(l));
                    book.multipliers[q] = (float)
                            Math.max(IntervalSettings.MIN_MULTIPLIER, Math.min(IntervalSettings.MAX_MULTIPLIER, next));
                }
            }
            out.add(new HorizonEvaluation(
                    h,
                    Instant.ofEpochMilli(book.baseTimes[base]),
                    naivePrice,
                    forecastPrice,
                    price - forecastPrice,
                    price - naivePrice,
                    price - modelPrice,
                    bands));
        }
        return out;
    }

    /** @param realised the tick's log return as the ring stores it (a float), which the guard's evidence uses */
    private Evaluation evaluate(
            ForecastState state, String symbol, long timeMs, double price, double tickLogReturn, double realised) {
        double error = price - state.pendingForecast;
        double naiveError = price - state.lastPrice;
        double modelError = naiveError;
        if (state.pendingVersion != 0) {
            modelError = price - state.lastPrice * Math.exp(state.pendingModelLogReturn);
            if (!ModelGuard.isUnknown(state)) { // else the ring's replay, this tick, counts this pair too
                ModelGuard.observe(state, settings.guard(), state.pendingModelLogReturn, realised);
            }
        }
        state.evalCount++;
        state.sumAbsError += Math.abs(error);
        state.sumSqError += error * error;
        state.naiveSumAbsError += Math.abs(naiveError);
        state.naiveSumSqError += naiveError * naiveError;
        Boolean covered = null;
        if (hasInterval(state)) {
            if (!state.hasPendingInterval()) {
                // The residuals are still those the pending forecast's interval was built from, so this is that
                // interval, bit for bit; recomputing it (after a restore, or each tick on RocksDB) keeps two
                // doubles per symbol out of the serialised state.
                double halfWidth = halfWidth(state);
                state.pendingInterval(
                        state.lastPrice * Math.exp(state.pendingLogReturn - halfWidth),
                        state.lastPrice * Math.exp(state.pendingLogReturn + halfWidth));
            }
            covered = price >= state.pendingLow() && price <= state.pendingHigh();
            state.intervalCount++;
            state.intervalHits += covered ? 1 : 0;
        }
        state.pushResidual((float) (tickLogReturn - state.pendingLogReturn));
        double n = state.evalCount;
        Evaluation e = new Evaluation(); // setters, as in forecast(): no boxing per tick
        e.setSymbol(symbol);
        e.setForecastTime(Instant.ofEpochMilli(state.lastTimeMs));
        e.setActualTime(Instant.ofEpochMilli(timeMs));
        e.setActualPrice(price);
        e.setForecastPrice(state.pendingForecast);
        e.setNaivePrice(state.lastPrice);
        e.setModelVersion(state.pendingVersion);
        e.setError(error);
        e.setNaiveError(naiveError);
        e.setModelError(modelError);
        e.setCount(state.evalCount);
        e.setMae(state.sumAbsError / n);
        e.setRmse(Math.sqrt(state.sumSqError / n));
        e.setNaiveMae(state.naiveSumAbsError / n);
        e.setNaiveRmse(Math.sqrt(state.naiveSumSqError / n));
        e.setSkill(state.naiveSumSqError == 0 ? 0.0 : 1.0 - state.sumSqError / state.naiveSumSqError);
        e.setCovered(covered);
        e.setIntervalCoverage(state.intervalCount == 0 ? null : (double) state.intervalHits / state.intervalCount);
        e.setHorizons(bookEvaluated ? List.of() : evaluateHorizons(state, price));
        return e;
    }

    private boolean hasInterval(ForecastState state) {
        return state.residualCount >= settings.minResiduals();
    }

    /**
     * Half the interval's width in log-return units: z residual RMSs, at most {@link #MAX_HALF_WIDTH} (a factor of
     * e^100 either way, already meaningless), so that the interval's ends are finite whatever the residuals.
     */
    private double halfWidth(ForecastState state) {
        return Math.min(settings.intervalZ() * state.residualRms(), MAX_HALF_WIDTH);
    }

    static final double MAX_HALF_WIDTH = 100;
}
