/** The offline evaluation: scores of every horizon's forecasts and intervals, and the volatility baselines. */
package dev.tickcast.cli.evaluate;
