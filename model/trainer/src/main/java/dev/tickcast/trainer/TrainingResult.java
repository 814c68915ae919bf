package dev.tickcast.trainer;

import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.schema.ModelUpdate;
import java.util.Map;

/**
 * A trained model and how it did on the validation window.
 *
 * @param update the model, with its validation metrics filled in
 * @param validation per-symbol and overall next-price errors on the validation window, model vs naive
 * @param finalLoss mean training loss of the last epoch (MSE on scaled targets)
 * @param validationCutoffs per symbol, the event time where its validation part starts (to score other
 *     models on the very same window)
 * @param warmStarted whether training started from the given model's weights
 */
public record TrainingResult(
        ModelUpdate update,
        Backtest.Summary validation,
        double finalLoss,
        Map<String, Long> validationCutoffs,
        boolean warmStarted) {}
