package dev.tickcast.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tickcast.bench.CellBenchmarks;
import dev.tickcast.bench.job.JobBenchmarks;
import dev.tickcast.cli.common.UserException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmarks; they print figures and ratios, never assert. The machine is shared: compare within one run.",
            "Cells (JMH): ns per step of the pure-Java cells for each cell type at hidden 32 and 64, next to"
                    + " DL4J serving the"
                    + " same step, and the fraction of this CPU's FLOP ceiling.",
            "Job (MiniCluster, parallelism 1, in-JVM generator over --symbols symbols; each job in a JVM of its"
                    + " own): ticks/s of the forecast job and of the same"
                    + " pipeline with a pass-through keyed function (state of the same size), heap and RocksDB,"
                    + " LSTM 32 and 64;"
                    + " tick-to-forecast p50/p99/p99.9 at half the measured peak (at-least-once); state bytes"
                    + " per symbol; and"
                    + " (full run) 1,000,000 symbols on RocksDB."
        })
public final class BenchCommand implements Callable<Integer> {

    @Option(
            names = "--quick",
            description = "Reduced set, under 5 minutes: fewer JMH iterations, shorter job runs, latency on heap only,"
                    + " no 1M-symbol run.")
    public boolean quick;

    @Option(
            names = "--peak-gflops",
            description = "One core's peak float GFLOP/s for the ceiling, instead of measuring it in the run"
                    + " (MachineCeilingBenchmark: Vector API FMAs on 12 independent chains). Default: measure.",
            defaultValue = "0")
    public double peakGflops;

    @Option(names = "--no-dl4j", description = "Skip the DL4J baseline (no ratio column).")
    public boolean noDl4j;

    @Option(names = "--no-cells", description = "Skip the JMH cell benchmarks.")
    public boolean noCells;

    @Option(names = "--no-job", description = "Skip the job benchmarks.")
    public boolean noJob;

    @Option(
            names = "--symbols",
            description = "Symbols the job benchmark's generator cycles through. Default: ${DEFAULT-VALUE}.",
            defaultValue = "10000")
    public int symbols;

    @Option(
            names = "--million",
            description = "Also run 1,000,000 symbols on RocksDB (on by default without --quick).",
            negatable = true)
    public Boolean million;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures and machine details as JSON.")
    public Path json;

    @Spec
    public CommandSpec spec;

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    @Override
    public Integer call() throws Exception {
        if (!(peakGflops >= 0)) {
            throw new UserException("--peak-gflops must be > 0 (or 0: measure it)");
        }
        if (symbols < 1) {
            throw new UserException("--symbols must be >= 1");
        }
        CellBenchmarks.Report cells = null;
        if (!noCells) {
            cells = CellBenchmarks.run(quick, peakGflops, !noDl4j);
            CellBenchmarks.print(cells, out());
            out().flush();
        }
        JobBenchmarks.Report job = null;
        if (!noJob) {
            job = JobBenchmarks.runAll(quick, symbols, million != null ? million : !quick, out());
            JobBenchmarks.print(job, out());
        }
        if (json != null) {
            writeJson(cells, job);
            out().println("wrote " + json);
        }
        out().flush();
        return 0;
    }

    private void writeJson(CellBenchmarks.Report cells, JobBenchmarks.Report job) throws Exception {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("time", Instant.now().toString());
        root.put("quick", quick);
        root.put("machine", machine());
        List<Map<String, Object>> cellRows = new ArrayList<>();
        for (CellBenchmarks.Row r : cells == null ? List.<CellBenchmarks.Row>of() : cells.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cell", r.cell().name());
            m.put("hidden", r.hidden());
            m.put("cell_ns_per_step", r.cellNs());
            m.put("plain_ns_per_step", nan(r.plainNs()));
            m.put("dl4j_ns_per_step", nan(r.dl4jNs()));
            m.put("dl4j_over_cell", nan(r.ratio()));
            m.put("flops_per_step", r.flops());
            m.put("weight_bytes", r.weightBytes());
            m.put("ceiling_ns_per_step", r.ceilingNs());
            m.put("ceiling_memory_bound", r.memoryBound());
            m.put("fraction_of_ceiling", r.fractionOfCeiling());
            cellRows.add(m);
        }
        root.put("cells", cellRows);
        if (cells != null) {
            root.put("fma_peak_gflops", cells.ceilings().peakGflops());
            root.put("l2_read_gb_per_s", cells.ceilings().l2GBps());
            root.put("l1_data_bytes", cells.ceilings().l1Bytes());
        }
        List<Map<String, Object>> jobRows = new ArrayList<>();
        if (job != null) {
            for (JobBenchmarks.Row r : job.rows()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("state_backend", r.backend().name().toLowerCase());
                m.put("cell", r.cell().name());
                m.put("hidden", r.hidden());
                m.put("symbols", r.symbols());
                m.put("parallelism", 1);
                m.put("forecast_ticks_per_s", r.forecastTicksPerSecond());
                m.put("passthrough_ticks_per_s", r.passthroughTicksPerSecond());
                m.put("throughput_ratio", r.ratio());
                if (r.latency() != null) {
                    m.put("latency_offered_ticks_per_s", r.latency().offeredRate());
                    m.put("latency_p50_ms", r.latency().p50Ms());
                    m.put("latency_p99_ms", r.latency().p99Ms());
                    m.put("latency_p999_ms", r.latency().p999Ms());
                }
                m.put("state_bytes_per_symbol", r.stateBytes());
                m.put("savepoint_bytes_per_symbol", r.savepointBytesPerSymbol());
                jobRows.add(m);
            }
            for (JobBenchmarks.Run x : job.extra()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("state_backend", x.backend().name().toLowerCase());
                m.put("cell", x.cell().name());
                m.put("hidden", x.hidden());
                m.put("symbols", x.symbols());
                m.put("parallelism", 1);
                m.put("forecast_ticks_per_s", x.ticksPerSecond());
                m.put("savepoint_bytes_per_symbol", x.savepointBytesPerSymbol());
                jobRows.add(m);
            }
        }
        root.put("job", jobRows);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), root);
    }

    private static Object nan(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel());
        m.put("available_processors", Runtime.getRuntime().availableProcessors());
        m.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        m.put(
                "vector_api",
                ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        m.put("note", "shared machine: compare ratios within one run");
        return m;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
