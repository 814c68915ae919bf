package dev.tickcast.model.forecast;

import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;

/**
 * What one tick produces: always a forecast; an evaluation of the previous forecast unless this was
 * the symbol's first tick.
 */
public record TickOutcome(Forecast forecast, Evaluation evaluation) {}
