package dev.tickcast.model.forecast;

import dev.tickcast.model.file.Model;
import dev.tickcast.schema.Evaluation;

/**
 * One tick of a symbol, with the open challenger, if any, run beside the champion. The challenger runs in shadow on
 * its own state (hidden state, guard, residuals; {@link ForecastState#shadow()}), started as a copy of the served one
 * and re-warmed from its ring, so its forecasts are made exactly as they would be if it served; they are scored
 * against the served ones on the same tick and not emitted.
 *
 * <p>When the challenger is promoted, the symbol's first tick it serves evaluates the champion's pending forecast
 * (the one that was served), and from then on the shadow state is the served state, carrying over the served running
 * errors. The forecasts after the swap do not depend on the tick at which the promotion reached the symbol: both
 * states advance on every tick, so from the swap on they are the same bits as in a run that promoted at any earlier
 * tick (only the running errors differ, which count what was actually served).
 */
public final class ShadowForecaster {

    private final SymbolForecaster forecaster;

    public ShadowForecaster(SymbolForecaster forecaster) {
        this.forecaster = forecaster;
    }

    public SymbolForecaster forecaster() {
        return forecaster;
    }

    /**
     * What a tick did.
     *
     * @param served the symbol's state from now on: the one given, or at a promotion its shadow
     * @param lossDifference (champion error² − challenger error²) / the symbol's naive mean squared error, for a tick
     *     on which both forecasts were evaluated; NaN otherwise. Above 0 when the challenger did better.
     * @param joined whether the symbol started running the challenger on this tick
     */
    public record Step(TickOutcome outcome, ForecastState served, double lossDifference, boolean joined) {}

    /**
     * Processes one tick (valid and in order, see {@link TickOrder}).
     *
     * @param champion the model serving this tick, or null (naive); the promoted challenger once its promotion is
     *     effective
     * @param challenger the challenger running at this tick, or null
     */
    public Step onTick(
            ForecastState served,
            Model champion,
            Model challenger,
            String symbol,
            long timeMs,
            double price,
            Double volume) {
        ForecastState shadow = served.shadow;
        if (challenger != null) {
            // A shadow of another challenger, or one that has not stepped yet (the symbol's first tick), starts
            // again as a copy taken before the tick, so the challenger starts from the symbol's history.
            boolean joined = shadow == null || !shadow.builtWith(challenger) && shadow.ticks > 1;
            if (shadow == null || !shadow.builtWith(challenger)) {
                served.shadow = null;
                shadow = served.newShadow();
                served.shadow = shadow;
            }
            TickOutcome outcome = forecaster.onTick(served, champion, symbol, timeMs, price, volume);
            TickOutcome shadowOutcome = forecaster.onTick(shadow, challenger, symbol, timeMs, price, volume);
            double d = lossDifference(outcome.evaluation(), shadowOutcome.evaluation(), challenger, served);
            return new Step(outcome, served, d, joined);
        }
        served.shadow = null;
        if (shadow != null && champion != null && shadow.builtWith(champion) && !served.builtWith(champion)) {
            // The promotion's first tick for this symbol: evaluate what was served, then serve the shadow, which takes
            // over the book of the served forecasts (its due ones evaluated here, against what was served).
            java.util.List<dev.tickcast.schema.HorizonEvaluation> horizons = forecaster.evaluateHorizons(served, price);
            HorizonBook book = served.book;
            served.book = null;
            served.inShadow = true; // this last tick of it forecasts nothing into a book
            Evaluation evaluation = forecaster
                    .onTick(served, null, symbol, timeMs, price, volume)
                    .evaluation();
            evaluation.setHorizons(horizons);
            shadow.book = book;
            shadow.inShadow = false;
            TickOutcome shadowOutcome =
                    forecaster.onTickWithBookEvaluated(shadow, champion, symbol, timeMs, price, volume);
            shadow.takeServedRecord(served);
            return new Step(new TickOutcome(shadowOutcome.forecast(), evaluation), shadow, Double.NaN, false);
        }
        return new Step(forecaster.onTick(served, champion, symbol, timeMs, price, volume), served, Double.NaN, false);
    }

    /** Evaluations of a symbol before its naive mean squared error is trusted as the scale of its loss differences. */
    public static final long MIN_SCALE_EVALUATIONS = 20;

    /**
     * A loss difference's bound: a few ticks of one symbol (an outlier, a price barely moving) must not outweigh the
     * others' evidence. In units of the symbol's naive MSE, a tick beyond it is a move of about 7 typical ones.
     */
    public static final double MAX_LOSS_DIFFERENCE = 50;

    /**
     * NaN unless both evaluated a forecast, the challenger its own, and the symbol has a naive error scale (at least
     * {@link #MIN_SCALE_EVALUATIONS} evaluations, not all zero); clipped to ±{@link #MAX_LOSS_DIFFERENCE}.
     */
    static double lossDifference(Evaluation served, Evaluation shadow, Model challenger, ForecastState servedState) {
        if (served == null || shadow == null || shadow.getModelVersion() != challenger.version()) {
            return Double.NaN;
        }
        double scale = servedState.naiveMeanSquaredError();
        if (servedState.evalCount < MIN_SCALE_EVALUATIONS || !(scale > 0)) {
            return Double.NaN;
        }
        double championError = served.getError();
        double challengerError = shadow.getError();
        double d = (championError * championError - challengerError * challengerError) / scale;
        return Math.max(-MAX_LOSS_DIFFERENCE, Math.min(MAX_LOSS_DIFFERENCE, d));
    }
}
