package dev.tickcast.bench;

import dev.tickcast.schema.CellType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Runs the cell and DL4J step benchmarks in one JMH run, with this core's ceilings measured in the same
 * run ({@link MachineCeilingBenchmark}), and reports per cell type and hidden size the ratio DL4J/cells
 * and the fraction of the step's ceiling the cells reach.
 *
 * <p>The ceiling is a roofline: a step cannot take less than its FLOPs at the FMA peak, nor, when its
 * weights do not fit in L1, less than the time to stream them from L2 (every step reads every weight once).
 */
public final class CellBenchmarks {

    /**
     * This core's measured limits.
     *
     * @param peakGflops float FMA peak with the Vector API (or the --peak-gflops override)
     * @param l2GBps read bandwidth from L2, bytes per ns
     * @param l1Bytes L1 data cache size (sysfs; 48 KiB if unknown)
     */
    public record Ceilings(double peakGflops, double l2GBps, long l1Bytes) {
        /** The roofline time of a step. */
        double ns(long flops, long weightBytes) {
            return Math.max(computeNs(flops), streamNs(weightBytes));
        }

        /** Whether streaming the weights, not the FLOPs, sets that time. */
        boolean memoryBound(long flops, long weightBytes) {
            return streamNs(weightBytes) > computeNs(flops);
        }

        private double computeNs(long flops) {
            return flops / peakGflops;
        }

        private double streamNs(long weightBytes) {
            return weightBytes > l1Bytes ? weightBytes / l2GBps : 0;
        }
    }

    /** A run's rows and the ceilings they were judged against. */
    public record Report(List<Row> rows, Ceilings ceilings) {}

    /**
     * One configuration's figures.
     *
     * @param ceilingNs the roofline time of the step ({@link Ceilings#ns})
     * @param memoryBound whether streaming the weights from L2, not FLOPs, sets that time
     */
    public record Row(
            CellType cell,
            int hidden,
            double cellNs,
            double plainNs,
            double dl4jNs,
            long flops,
            long weightBytes,
            double ceilingNs,
            boolean memoryBound) {
        public double ratio() {
            return dl4jNs / cellNs;
        }

        public double fractionOfCeiling() {
            return ceilingNs / cellNs;
        }
    }

    private CellBenchmarks() {}

    /** @param peakGflopsOverride the FMA peak to use instead of measuring it, or 0 to measure */
    public static Report run(boolean quick, double peakGflopsOverride, boolean withDl4j) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(CellStepBenchmark.class.getName() + ".step")
                .include(MachineCeilingBenchmark.class.getName() + ".")
                .forks(1)
                .warmupIterations(quick ? 1 : 4)
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
        double fmaNs = Double.NaN;
        double l2Ns = Double.NaN;
        for (RunResult r : results) {
            String benchmark = r.getParams().getBenchmark();
            double score = r.getPrimaryResult().getScore();
            // A ceiling is the best the core did: its fastest iteration (the cells are judged by their average).
            if (benchmark.endsWith("fmaPeak")) {
                fmaNs = r.getPrimaryResult().getStatistics().getMin();
                continue;
            }
            if (benchmark.endsWith("l2Read")) {
                l2Ns = r.getPrimaryResult().getStatistics().getMin();
                continue;
            }
            String key = r.getParams().getParam("cell") + "/" + r.getParams().getParam("hidden");
            if (benchmark.contains("Dl4j")) {
                dl4jNs.put(key, score);
            } else if ("plain".equals(r.getParams().getParam("kernels"))) {
                plainNs.put(key, score);
            } else {
                cellNs.put(key, score);
            }
        }
        Ceilings ceilings = new Ceilings(
                peakGflopsOverride > 0 ? peakGflopsOverride : MachineCeilingBenchmark.fmaFlops() / fmaNs,
                MachineCeilingBenchmark.L2_BYTES / l2Ns,
                l1DataBytes());
        List<Row> rows = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            for (int hidden : new int[] {32, 64}) {
                String key = cell + "/" + hidden;
                if (!cellNs.containsKey(key)) {
                    continue;
                }
                int[] sizes = {hidden};
                long flops = BenchNetworks.flopsPerStep(cell, sizes);
                long bytes = BenchNetworks.weightBytes(cell, sizes);
                rows.add(new Row(
                        cell,
                        hidden,
                        cellNs.get(key),
                        plainNs.getOrDefault(key, Double.NaN),
                        dl4jNs.getOrDefault(key, Double.NaN),
                        flops,
                        bytes,
                        ceilings.ns(flops, bytes),
                        ceilings.memoryBound(flops, bytes)));
            }
        }
        return new Report(rows, ceilings);
    }

    /** The L1 data cache of cpu0 from sysfs (Linux), else 48 KiB. */
    static long l1DataBytes() {
        Path index = Path.of("/sys/devices/system/cpu/cpu0/cache");
        try (var dirs = Files.list(index)) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith("index"))
                    .toList()) {
                if (Files.readString(d.resolve("level")).trim().equals("1")
                        && Files.readString(d.resolve("type")).trim().equals("Data")) {
                    String size = Files.readString(d.resolve("size")).trim(); // e.g. "48K"
                    return Long.parseLong(size.replaceAll("[^0-9]", ""))
                            * (size.endsWith("K") ? 1024 : size.endsWith("M") ? 1 << 20 : 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no sysfs in this container: fall through
        }
        return 48 * 1024;
    }

    public static void print(Report report, PrintWriter out) {
        Ceilings c = report.ceilings();
        out.printf(
                "%n%-11s %6s %11s %11s %11s %10s %8s %9s %11s %9s%n",
                "cell",
                "hidden",
                "vector ns",
                "plain ns",
                "DL4J ns",
                "DL4J/cells",
                "FLOP",
                "weights",
                "ceiling ns",
                "%ceiling");
        for (Row r : report.rows()) {
            out.printf(
                    "%-11s %6d %11.1f %11.1f %11.0f %9.0fx %8d %8dB %10.1f%s %8.1f%%%n",
                    r.cell(),
                    r.hidden(),
                    r.cellNs(),
                    r.plainNs(),
                    r.dl4jNs(),
                    r.ratio(),
                    r.flops(),
                    r.weightBytes(),
                    r.ceilingNs(),
                    r.memoryBound() ? "m" : " ",
                    100 * r.fractionOfCeiling());
        }
        out.println("DL4J/cells and %ceiling use the vector kernels (what the job uses when its JVM has the module).");
        out.printf(
                "ceiling = max(FLOP / %.0f GFLOP/s, weights / %.0f GB/s when they exceed the %d KiB L1; m = the"
                        + " latter): this core's%n",
                c.peakGflops(), c.l2GBps(), c.l1Bytes() / 1024);
        out.println("FMA peak and L2 read bandwidth, measured in this run (MachineCeilingBenchmark). FLOP counts a"
                + " multiply-add as 2.");
    }
}
