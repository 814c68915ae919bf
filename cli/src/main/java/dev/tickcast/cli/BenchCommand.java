package dev.tickcast.cli;

import dev.tickcast.bench.CellBenchmarks;
import java.util.List;
import java.util.concurrent.Callable;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks (JMH, one run): ns per step of the pure-Java cells for each cell type at hidden 32 and 64,"
                + " next to DL4J serving the same step with each symbol's state swapped in and out, and the fraction of"
                + " this CPU's FLOP ceiling. Prints ratios; the machine is shared, so compare within one run.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "Fewer JMH iterations (about 1.5 minutes instead of 3).")
    boolean quick;

    @Option(names = "--peak-gflops", description = "One core's peak float GFLOP/s for the ceiling. Default: ${DEFAULT-VALUE} (AMD EPYC with AVX-512, measured).",
            defaultValue = "220")
    double peakGflops;

    @Option(names = "--no-dl4j", description = "Skip the DL4J baseline (no ratio column).")
    boolean noDl4j;

    @Spec
    CommandSpec spec;

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    @Override
    public Integer call() throws Exception {
        if (!(peakGflops > 0)) {
            throw new UserException("--peak-gflops must be > 0");
        }
        List<CellBenchmarks.Row> rows = CellBenchmarks.run(quick, peakGflops, !noDl4j);
        CellBenchmarks.print(rows, peakGflops, out());
        return 0;
    }
}
