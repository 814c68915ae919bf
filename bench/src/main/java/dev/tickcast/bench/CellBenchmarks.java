package dev.tickcast.bench;

import dev.tickcast.schema.CellType;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the cell and DL4J step benchmarks in one JMH run and reports, per cell type and hidden size,
 * the ratio DL4J/cells and the fraction of the CPU's FLOP ceiling the cells reach.
 */
public final class CellBenchmarks {

    /**
     * One configuration's figures.
     *
     * @param ceilingNs FLOPs / peak: the time the step would take at the core's peak FLOP rate
     */
    public record Row(CellType cell, int hidden, double cellNs, double plainNs, double dl4jNs, long flops, long weightBytes,
            double ceilingNs) {
        public double ratio() {
            return dl4jNs / cellNs;
        }

        public double fractionOfCeiling() {
            return ceilingNs / cellNs;
        }
    }

    private CellBenchmarks() {}

    public static List<Row> run(boolean quick, double peakGflops, boolean withDl4j) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(CellStepBenchmark.class.getName() + ".step")
                .forks(1)
                .warmupIterations(quick ? 2 : 4)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 6)
                .measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Xmx2g", "--add-modules", "jdk.incubator.vector")
                .shouldFailOnError(true);
        if (withDl4j) {
            options.include(Dl4jStepBenchmark.class.getName() + ".step");
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, Double> cellNs = new HashMap<>();
        Map<String, Double> plainNs = new HashMap<>();
        Map<String, Double> dl4jNs = new HashMap<>();
        for (RunResult r : results) {
            String key = r.getParams().getParam("cell") + "/" + r.getParams().getParam("hidden");
            double score = r.getPrimaryResult().getScore();
            if (r.getParams().getBenchmark().contains("Dl4j")) {
                dl4jNs.put(key, score);
            } else if ("plain".equals(r.getParams().getParam("kernels"))) {
                plainNs.put(key, score);
            } else {
                cellNs.put(key, score);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            for (int hidden : new int[] {32, 64}) {
                String key = cell + "/" + hidden;
                if (!cellNs.containsKey(key)) {
                    continue;
                }
                int[] sizes = {hidden};
                long flops = BenchNetworks.flopsPerStep(cell, sizes);
                rows.add(new Row(cell, hidden, cellNs.get(key), plainNs.getOrDefault(key, Double.NaN),
                        dl4jNs.getOrDefault(key, Double.NaN), flops,
                        BenchNetworks.weightBytes(cell, sizes), flops / peakGflops));
            }
        }
        return rows;
    }

    public static void print(List<Row> rows, double peakGflops, PrintWriter out) {
        out.printf("%n%-11s %6s %11s %11s %11s %10s %8s %9s %11s %9s%n", "cell", "hidden", "vector ns", "plain ns", "DL4J ns",
                "DL4J/cells", "FLOP", "weights", "ceiling ns", "%ceiling");
        for (Row r : rows) {
            out.printf("%-11s %6d %11.1f %11.1f %11.0f %9.0fx %8d %8dB %11.1f %8.1f%%%n", r.cell(), r.hidden(), r.cellNs(),
                    r.plainNs(), r.dl4jNs(), r.ratio(), r.flops(), r.weightBytes(), r.ceilingNs(), 100 * r.fractionOfCeiling());
        }
        out.println("DL4J/cells and %ceiling use the vector kernels (what the job uses when its JVM has the module).");
        out.printf("ceiling = FLOP / %.0f GFLOP/s (one core's float FMA peak, STACK.md); FLOP counts a multiply-add as 2.%n",
                peakGflops);
        out.println("Weights over the 48 KB L1 stream from L2 each step, which bounds hidden 64 further than FLOPs do.");
    }
}
