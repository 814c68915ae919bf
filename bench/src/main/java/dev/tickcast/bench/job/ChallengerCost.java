package dev.tickcast.bench.job;

import dev.tickcast.schema.CellType;
import java.time.Duration;

/**
 * What a challenger in shadow costs the job: throughput with and without one, in the same JVM, alternating
 * (forecast, challenger, forecast, challenger) so that a noisy machine shows up as spread rather than as a ratio; and
 * the state per symbol with and without it. {@code java -cp <bench classpath> dev.tickcast.bench.job.ChallengerCost
 * [HIDDEN [SYMBOLS [SECONDS]]]}, heap backend, LSTM.
 */
public final class ChallengerCost {

    private ChallengerCost() {}

    public static void main(String[] args) throws Exception {
        int hidden = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int symbols = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 20;
        System.out.printf(
                "LSTM-%d state per symbol: %d B alone, %d B with a challenger in shadow%n",
                hidden,
                JobBenchmarks.stateBytes(CellType.LSTM, hidden),
                JobBenchmarks.stateBytesWithChallenger(CellType.LSTM, hidden));
        double[] alone = new double[2];
        double[] shadowed = new double[2];
        for (int round = 0; round < 2; round++) {
            alone[round] = run(JobBenchmarks.Kind.FORECAST, hidden, symbols, seconds);
            shadowed[round] = run(JobBenchmarks.Kind.CHALLENGER, hidden, symbols, seconds);
            System.out.printf(
                    "round %d: %,.0f ticks/s alone, %,.0f with a challenger: %.2fx%n",
                    round + 1, alone[round], shadowed[round], shadowed[round] / alone[round]);
        }
    }

    private static double run(JobBenchmarks.Kind kind, int hidden, int symbols, long seconds) throws Exception {
        return JobBenchmarks.run(
                        kind,
                        JobBenchmarks.Backend.HEAP,
                        CellType.LSTM,
                        hidden,
                        symbols,
                        (long) symbols * JobBenchmarks.WARMUP_TICKS_PER_SYMBOL,
                        JobBenchmarks.Measure.time(Duration.ofSeconds(seconds)),
                        0,
                        false)
                .ticksPerSecond();
    }
}
