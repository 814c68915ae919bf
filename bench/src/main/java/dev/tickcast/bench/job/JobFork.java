package dev.tickcast.bench.job;

import dev.tickcast.schema.CellType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Runs job benchmarks in a JVM of their own, as JMH forks its benchmarks. In one JVM the forecast job and the
 * pass-through share Flink's call sites (the keyed operator's call into its function, the heap state's value
 * type, the outputs): once both had run, the JIT compiled those sites for both, and the forecast job measured
 * 466–661 K ticks/s against 705–815 K in a JVM of its own (alternated runs). A fork also begins with a short
 * unmeasured run of the same job, so the measured one does not pay for compilation: the first run in a fresh JVM
 * measured 20–30% below the second.
 *
 * <p>The child's arguments are a {@link Request}; it prints one {@code RUN} line per measured run, which the parent
 * parses back into {@link JobBenchmarks.Run}s. Its other output (Flink's log) goes to the parent's stderr.
 */
final class JobFork {

    /** Unmeasured run before the measured one, in the same JVM: long enough for C2 to compile the per-tick path. */
    static final Duration JIT_WARMUP = Duration.ofSeconds(5);

    /**
     * The same, for {@code --quick} (which must stay under 5 minutes), and there only before heap runs: on RocksDB
     * both jobs spend their time in RocksDB's native code.
     */
    static final Duration QUICK_JIT_WARMUP = Duration.ofSeconds(3);

    static Duration jitWarmup(boolean quick, JobBenchmarks.Backend backend) {
        if (!quick) {
            return JIT_WARMUP;
        }
        return backend == JobBenchmarks.Backend.HEAP ? QUICK_JIT_WARMUP : Duration.ZERO;
    }

    private static final String PREFIX = "RUN ";

    /**
     * What one child JVM runs: the configuration's peak (after an unmeasured run of the same job unless
     * {@code jitWarmup} is zero) and, with {@code latency}, a run at half that peak for
     * {@code latencyMeasure}.
     */
    record Request(
            JobBenchmarks.Kind kind,
            JobBenchmarks.Backend backend,
            CellType cell,
            int hidden,
            int symbols,
            long warmupTicks,
            JobBenchmarks.Measure measured,
            boolean savepoint,
            Duration jitWarmup,
            boolean latency) {

        List<String> toArgs() {
            return List.of(
                    kind.name(),
                    backend.name(),
                    cell.name(),
                    Integer.toString(hidden),
                    Integer.toString(symbols),
                    Long.toString(warmupTicks),
                    measure(measured),
                    Boolean.toString(savepoint),
                    Long.toString(jitWarmup.toMillis()),
                    Boolean.toString(latency));
        }

        static Request fromArgs(String[] a) {
            return new Request(
                    JobBenchmarks.Kind.valueOf(a[0]),
                    JobBenchmarks.Backend.valueOf(a[1]),
                    CellType.valueOf(a[2]),
                    Integer.parseInt(a[3]),
                    Integer.parseInt(a[4]),
                    Long.parseLong(a[5]),
                    measure(a[6]),
                    Boolean.parseBoolean(a[7]),
                    Duration.ofMillis(Long.parseLong(a[8])),
                    Boolean.parseBoolean(a[9]));
        }

        private static String measure(JobBenchmarks.Measure m) {
            return m.time() == null ? m.ticks() + "ticks" : m.time().toMillis() + "ms";
        }

        private static JobBenchmarks.Measure measure(String s) {
            return s.endsWith("ticks")
                    ? JobBenchmarks.Measure.ticks(Long.parseLong(s.substring(0, s.length() - 5)))
                    : JobBenchmarks.Measure.time(Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2))));
        }
    }

    private JobFork() {}

    /** Runs {@code request} in a new JVM with this JVM's options and class path; its measured runs, in order. */
    static List<JobBenchmarks.Run> run(Request request) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-agentlib:jdwp")) { // a debugger's port is this JVM's
                command.add(option);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(JobFork.class.getName());
        command.addAll(request.toArgs());
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<JobBenchmarks.Run> runs = new ArrayList<>();
        Deque<String> tail = new ArrayDeque<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(PREFIX)) {
                    runs.add(parse(line.substring(PREFIX.length())));
                } else {
                    tail.addLast(line);
                    if (tail.size() > 20) {
                        tail.removeFirst();
                    }
                }
            }
        }
        int exit = process.waitFor();
        int expected = request.latency() ? 2 : 1;
        if (exit != 0 || runs.size() != expected) {
            throw new IllegalStateException("benchmark JVM for " + String.join(" ", request.toArgs()) + " exited with "
                    + exit + " after " + runs.size() + " of " + expected
                    + " runs (its error output is above); its last output:\n" + String.join("\n", tail));
        }
        return runs;
    }

    /** The child: runs the {@link Request} in {@code args} and prints its runs. */
    public static void main(String[] args) throws Exception {
        Request r = Request.fromArgs(args);
        if (!r.jitWarmup().isZero()) {
            JobBenchmarks.run(
                    r.kind(),
                    r.backend(),
                    r.cell(),
                    r.hidden(),
                    r.symbols(),
                    r.warmupTicks(),
                    JobBenchmarks.Measure.time(r.jitWarmup()),
                    0,
                    false);
        }
        JobBenchmarks.Run peak = JobBenchmarks.run(
                r.kind(),
                r.backend(),
                r.cell(),
                r.hidden(),
                r.symbols(),
                r.warmupTicks(),
                r.measured(),
                0,
                r.savepoint());
        System.out.println(PREFIX + format(peak));
        if (r.latency()) {
            double rate = Math.floor(peak.ticksPerSecond() / 2);
            // Each checkpoint's dent in the latency weighs as in a long run (an 8 s window either missed the
            // 10 s checkpoint or caught it, and p99 was a lottery).
            long ticks = (long) (rate * r.measured().time().toSeconds());
            long warmup = Math.max(r.warmupTicks(), (long) (rate * JobBenchmarks.LATENCY_WARMUP.toSeconds()));
            JobBenchmarks.Run latency = JobBenchmarks.run(
                    r.kind(),
                    r.backend(),
                    r.cell(),
                    r.hidden(),
                    r.symbols(),
                    warmup,
                    JobBenchmarks.Measure.ticks(ticks),
                    rate,
                    false);
            System.out.println(PREFIX + format(latency));
        }
        System.out.flush();
        System.exit(0); // Flink's non-daemon threads would keep the child alive
    }

    static String format(JobBenchmarks.Run r) {
        return String.join(
                " ",
                r.kind().name(),
                r.backend().name(),
                r.cell().name(),
                Integer.toString(r.hidden()),
                Integer.toString(r.symbols()),
                Long.toString(r.ticks()),
                hex(r.ticksPerSecond()),
                hex(r.offeredRate()),
                hex(r.p50Ms()),
                hex(r.p99Ms()),
                hex(r.p999Ms()),
                Long.toString(r.savepointBytesPerSymbol()));
    }

    static JobBenchmarks.Run parse(String line) {
        String[] f = line.split(" ");
        return new JobBenchmarks.Run(
                JobBenchmarks.Kind.valueOf(f[0]),
                JobBenchmarks.Backend.valueOf(f[1]),
                CellType.valueOf(f[2]),
                Integer.parseInt(f[3]),
                Integer.parseInt(f[4]),
                Long.parseLong(f[5]),
                unhex(f[6]),
                unhex(f[7]),
                unhex(f[8]),
                unhex(f[9]),
                unhex(f[10]),
                Long.parseLong(f[11]));
    }

    /** Doubles cross the pipe exactly (NaN for figures a run has not). */
    private static String hex(double v) {
        return Double.toHexString(v);
    }

    private static double unhex(String s) {
        return Double.parseDouble(s);
    }
}
