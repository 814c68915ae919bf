package dev.tickcast.model.forecast;

import java.io.Serializable;

/**
 * How each symbol's {@link ModelGuard} weighs the model against the naive forecast.
 *
 * @param on whether the guard weighs at all; off, every forecast takes the model's whole predicted move
 * @param memory the evaluations a symbol's evidence mostly rests on: each evaluation's weight decays by a factor
 *     {@code 1 - 1/memory} per later one, so the guard follows a model that stops (or starts) helping
 * @param prior how many evaluations of evidence the guard asks for before it trusts the model halfway: the fitted
 *     weight is shrunk by {@code n / (n + prior)}, n the decayed count, so a new symbol or model starts near naive;
 *     as n tends to {@code memory}, a weight stays at most {@code memory / (memory + prior)} (0.83 by default)
 * @param evidence how many standard errors above 0 the fitted weight must be before the model is served at all
 */
public record GuardSettings(boolean on, int memory, double prior, double evidence) implements Serializable {

    /** The defaults, as constants so that command-line option annotations can name them. */
    public static final boolean DEFAULT_ON = true;

    public static final int DEFAULT_MEMORY = 1000;

    public static final double DEFAULT_PRIOR = 200;
    public static final double DEFAULT_EVIDENCE = 3;
    public static final GuardSettings DEFAULTS =
            new GuardSettings(DEFAULT_ON, DEFAULT_MEMORY, DEFAULT_PRIOR, DEFAULT_EVIDENCE);

    /** The model's forecast as it is: the behaviour before the guard existed. */
    public static final GuardSettings OFF = new GuardSettings(false, DEFAULT_MEMORY, DEFAULT_PRIOR, DEFAULT_EVIDENCE);

    public GuardSettings {
        if (memory < 2
                || !(prior >= 0)
                || Double.isInfinite(prior)
                || !(evidence >= 0)
                || Double.isInfinite(evidence)) {
            throw new IllegalArgumentException("need a guard memory >= 2, and a prior and an evidence that are finite"
                    + " and >= 0; got memory " + memory + ", prior " + prior + ", evidence " + evidence);
        }
    }

    /** The factor each earlier evaluation's weight decays by at every new one. */
    double decay() {
        return 1.0 - 1.0 / memory;
    }
}
