package dev.tickcast.bench.job;

import dev.tickcast.job.ClusterTuning;
import dev.tickcast.job.ForecastJob;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.JobOptions;
import dev.tickcast.job.TickcastJob;
import dev.tickcast.job.operator.StateFootprint;
import dev.tickcast.job.types.Streams;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.forecast.ForecastState;
import dev.tickcast.model.forecast.ShadowForecaster;
import dev.tickcast.model.forecast.SymbolForecaster;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.FeatureSpec;
import dev.tickcast.schema.ModelRole;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.internal.RawRecord;
import dev.tickcast.schema.wire.WireCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The job on a MiniCluster at parallelism 1, fed by an in-JVM tick generator over N symbols: decode,
 * event time, keyBy, the keyed operator (the real forecast function, or a pass-through with state of
 * the same size), discarding sinks. Measures ticks/s after every symbol has a full ring buffer, the
 * tick-to-forecast latency at a fixed offered rate, and the state's size per symbol (serialised, and
 * on disk in a savepoint).
 */
public final class JobBenchmarks {

    public enum Kind {
        FORECAST,
        /** The forecast function with a challenger of the same shape running in shadow on every symbol. */
        CHALLENGER,
        PASSTHROUGH
    }

    public enum Backend {
        HEAP("hashmap", SavepointFormatType.CANONICAL),
        ROCKSDB("rocksdb", SavepointFormatType.CANONICAL);

        final String option;
        final SavepointFormatType savepointFormat;

        Backend(String option, SavepointFormatType savepointFormat) {
            this.option = option;
            this.savepointFormat = savepointFormat;
        }
    }

    /** Ticks per symbol before the clock starts: every symbol's ring (32 steps) and residual window are full. */
    public static final int WARMUP_TICKS_PER_SYMBOL = 40;

    /**
     * Least warm-up of a latency run, at its offered rate. At half the peak 40 ticks per symbol take under 2 s, and
     * the job's first seconds (a new job in this JVM: compilation, heap sizing) showed up as a backlog of up to
     * 200 ms at the start of the window, a start-up effect rather than the steady state p99 describes.
     */
    public static final Duration LATENCY_WARMUP = Duration.ofSeconds(5);

    /**
     * One run's figures.
     *
     * @param savepointBytesPerSymbol savepoint size / symbols (includes the broadcast model and source state once), or
     * -1 if not taken
     */
    public record Run(
            Kind kind,
            Backend backend,
            CellType cell,
            int hidden,
            int symbols,
            long ticks,
            double ticksPerSecond,
            double offeredRate,
            double p50Ms,
            double p99Ms,
            double p999Ms,
            long savepointBytesPerSymbol) {}

    /**
     * How long a run measures after its warm-up: a number of forecasts, or a time. Throughput runs
     * measure whole checkpoint intervals, so the peak is one the job sustains through its checkpoints.
     */
    public record Measure(long ticks, Duration time) {
        public static Measure ticks(long n) {
            return new Measure(n, null);
        }

        public static Measure time(Duration d) {
            return new Measure(0, d);
        }

        /** {@code intervals} of the job's default checkpoint interval. */
        public static Measure checkpointIntervals(int intervals) {
            return time(JobOptions.CHECKPOINT_INTERVAL.defaultValue().multipliedBy(intervals));
        }
    }

    private JobBenchmarks() {}

    /** A random LSTM (or other cell) of the given hidden size, as the trainer would publish it. */
    public static ModelUpdate model(CellType cell, int hidden, long seed) {
        FeatureSpec spec = FeatureSpec.newBuilder()
                .setNames(List.of("log_return", "log_gap", "log_volume"))
                .setMean(List.of(0.0, 0.7, 1.5))
                .setStd(List.of(0.002, 0.5, 1.2))
                .setClip(8.0)
                .setTargetMean(0.0001)
                .setTargetStd(0.002)
                .build();
        int[] sizes = {hidden};
        float[] w = new float[dev.tickcast.model.cell.RecurrentNetwork.parameterCount(cell, 3, sizes, 1)];
        Random random = new Random(seed);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((random.nextDouble() * 2 - 1) * 0.3);
        }
        return ModelFile.build("default", 1, cell, sizes, spec, w, null, null, Instant.parse("2024-01-01T00:00:00Z"));
    }

    /** Version 2 of the same shape, other weights, published as a challenger: it runs in shadow from the start. */
    public static ModelUpdate challenger(CellType cell, int hidden) {
        return ModelUpdate.newBuilder(model(cell, hidden, 8))
                .setVersion(2)
                .setRole(ModelRole.CHALLENGER)
                .build();
    }

    /** As {@link #stateBytes(CellType, int)}, with the challenger's shadow state in it. */
    public static int stateBytesWithChallenger(CellType cell, int hidden) throws Exception {
        Model model = Model.verify(model(cell, hidden, 7));
        Model challenger = Model.verify(challenger(cell, hidden));
        ShadowForecaster forecaster =
                new ShadowForecaster(new SymbolForecaster(JobConfig.defaults().forecastSettings()));
        ForecastState state = forecaster.forecaster().newState();
        for (int i = 0; i < WARMUP_TICKS_PER_SYMBOL; i++) {
            state = forecaster
                    .onTick(
                            state,
                            model,
                            challenger,
                            "S123",
                            1_700_000_000_000L + i * 250L,
                            100 + (i % 7) * 0.01,
                            3.0 + i)
                    .served();
        }
        return StateFootprint.serializedBytes(state);
    }

    /**
     * Serialised bytes of one symbol's state after {@link #WARMUP_TICKS_PER_SYMBOL} ticks (full rings), as the job
     * stores it.
     */
    public static int stateBytes(CellType cell, int hidden) throws Exception {
        Model model = Model.verify(model(cell, hidden, 7));
        SymbolForecaster forecaster = new SymbolForecaster(JobConfig.defaults().forecastSettings());
        ForecastState state = forecaster.newState();
        for (int i = 0; i < WARMUP_TICKS_PER_SYMBOL; i++) {
            forecaster.onTick(state, model, "S123", 1_700_000_000_000L + i * 250L, 100 + (i % 7) * 0.01, 3.0 + i);
        }
        return StateFootprint.serializedBytes(state);
    }

    /**
     * Runs one configuration for {@code measured} after the warm-up.
     *
     * @param rate offered ticks/s (latency run), or 0 for as fast as the job takes them
     * @param savepoint take a savepoint at the end and report its size per symbol
     */
    public static Run run(
            Kind kind,
            Backend backend,
            CellType cell,
            int hidden,
            int symbols,
            long warmup,
            Measure measured,
            double rate,
            boolean savepoint)
            throws Exception {
        Path dir = Files.createTempDirectory("tickcast-bench");
        String id = UUID.randomUUID().toString();
        Probes.Probe probe = measured.time() == null
                ? Probes.open(id, warmup, warmup + measured.ticks(), 0)
                : Probes.open(id, warmup, Long.MAX_VALUE, measured.time().toNanos());
        try {
            Configuration conf = ClusterTuning.apply(new Configuration());
            conf.set(StateBackendOptions.STATE_BACKEND, backend.option);
            conf.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    dir.resolve("checkpoints").toUri().toString());
            conf.setString(
                    "state.backend.rocksdb.localdir", dir.resolve("rocksdb").toString());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
            JobConfig config = JobConfig.fromArgs("--delivery", "at-least-once", "--parallelism", "1");
            TickcastJob.configure(env, config);
            List<byte[]> models =
                    new ArrayList<>(List.of(WireCodec.of(ModelUpdate.class).encode(model(cell, hidden, 7))));
            if (kind == Kind.CHALLENGER) {
                models.add(WireCodec.of(ModelUpdate.class).encode(challenger(cell, hidden)));
            }
            ForecastJob job = ForecastJob.builder(config)
                    .ticks(new DataGeneratorSource<RawRecord>(
                            new TickGenerator(symbols, rate), Long.MAX_VALUE, Streams.RAW))
                    .forecasts(new BenchSink(id, symbols, rate))
                    .evaluations(new DiscardingSink<>())
                    .deadLetters(new DiscardingSink<>())
                    .initialModels(models)
                    .build();
            if (kind != Kind.PASSTHROUGH) {
                job.attach(env);
            } else {
                job.attach(env, new PassThroughFunction(stateBytes(cell, hidden), config.stateTtl()));
            }
            JobClient client = env.executeAsync("tickcast-bench " + kind + " " + backend + " " + cell + "-" + hidden);
            try {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
                while (!probe.done) {
                    JobStatus status = client.getJobStatus().get();
                    if (status.isGloballyTerminalState()) {
                        client.getJobExecutionResult().get(); // throws the failure
                        throw new IllegalStateException("bench job ended early: " + status);
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "bench job too slow: " + probe.count + " forecasts in 30 minutes");
                    }
                    Thread.sleep(20);
                }
                long perSymbol = -1;
                if (savepoint) {
                    String path = client.triggerSavepoint(
                                    dir.resolve("savepoint").toUri().toString(), backend.savepointFormat)
                            .get(10, TimeUnit.MINUTES);
                    perSymbol = sizeOf(Path.of(java.net.URI.create(path.startsWith("file:") ? path : "file://" + path)))
                            / symbols;
                }
                double p = 1e-3;
                boolean lat = rate > 0;
                return new Run(
                        kind,
                        backend,
                        cell,
                        hidden,
                        symbols,
                        probe.count - warmup,
                        probe.ticksPerSecond(),
                        rate,
                        lat ? probe.latencyMicros.getValueAtPercentile(50) * p : Double.NaN,
                        lat ? probe.latencyMicros.getValueAtPercentile(99) * p : Double.NaN,
                        lat ? probe.latencyMicros.getValueAtPercentile(99.9) * p : Double.NaN,
                        perSymbol);
            } finally {
                try {
                    client.cancel().get(1, TimeUnit.MINUTES);
                    awaitEnd(client, TimeUnit.MINUTES.toNanos(1));
                } catch (Exception ignored) {
                    // already ended
                }
            }
        } finally {
            Probes.close(id);
            delete(dir);
        }
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sum();
        }
    }

    /**
     * Cancelling returns once the cancel is acknowledged; the tasks (RocksDB among them) still run and write their
     * files for a moment, and the next run's job would share the machine with them.
     */
    private static void awaitEnd(JobClient client, long timeoutNanos) throws Exception {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!client.getJobStatus().get().isGloballyTerminalState() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static void delete(Path dir) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                return;
            } catch (IOException | UncheckedIOException vanished) {
                // temp files only; one removed under the walk (RocksDB compacting as its job ends): walk again
            }
        }
    }

    /** The throughput, latency and memory figures per configuration. */
    public record Report(List<Row> rows, List<Run> extra, boolean quick) {}

    /**
     * One configuration (backend, hidden size): forecast and pass-through ticks/s, their ratio, latency at half the
     * forecast job's peak, state size.
     */
    public record Row(
            Backend backend,
            CellType cell,
            int hidden,
            int symbols,
            double forecastTicksPerSecond,
            double passthroughTicksPerSecond,
            Run latency,
            int stateBytes,
            long savepointBytesPerSymbol) {
        public double ratio() {
            return forecastTicksPerSecond / passthroughTicksPerSecond;
        }
    }

    /**
     * The set {@code ./tickcast bench} runs: LSTM 32 and 64, heap and RocksDB, forecast and pass-through; latency on
     * each (quick: heap only); with {@code millionSymbols}, one more run over 1,000,000 symbols on RocksDB. Each job
     * runs in a JVM of its own ({@link JobFork}).
     */
    public static Report runAll(boolean quick, int symbols, boolean millionSymbols, PrintWriter log) throws Exception {
        long warmup = (long) symbols * WARMUP_TICKS_PER_SYMBOL;
        // Whole checkpoint intervals (10 s each by default) for throughput and latency alike: a peak measured
        // between two checkpoints overstates what the job sustains, and half of it is more than half load.
        Measure measured = Measure.checkpointIntervals(quick ? 1 : 3);
        List<Row> rows = new ArrayList<>();
        for (Backend backend : Backend.values()) {
            for (int hidden : new int[] {32, 64}) {
                CellType cell = CellType.LSTM;
                boolean latency = !quick || backend == Backend.HEAP;
                log.printf(
                        "job: %s LSTM-%d, %,d symbols: forecast%s...%n",
                        backend, hidden, symbols, latency ? " and latency at half its peak" : "");
                log.flush();
                List<Run> forecast = JobFork.run(new JobFork.Request(
                        Kind.FORECAST,
                        backend,
                        cell,
                        hidden,
                        symbols,
                        warmup,
                        measured,
                        true,
                        JobFork.jitWarmup(quick, backend),
                        latency));
                Run peak = forecast.get(0);
                log.printf("  %,.0f ticks/s", peak.ticksPerSecond());
                if (latency) {
                    log.printf(
                            "; p99 %.2f ms at %,.0f ticks/s",
                            forecast.get(1).p99Ms(), forecast.get(1).offeredRate());
                }
                log.printf("; pass-through...%n");
                log.flush();
                Run pass = JobFork.run(new JobFork.Request(
                                Kind.PASSTHROUGH,
                                backend,
                                cell,
                                hidden,
                                symbols,
                                warmup,
                                measured,
                                false,
                                JobFork.jitWarmup(quick, backend),
                                false))
                        .get(0);
                log.printf("  %,.0f ticks/s%n", pass.ticksPerSecond());
                log.flush();
                rows.add(new Row(
                        backend,
                        cell,
                        hidden,
                        symbols,
                        peak.ticksPerSecond(),
                        pass.ticksPerSecond(),
                        latency ? forecast.get(1) : null,
                        stateBytes(cell, hidden),
                        peak.savepointBytesPerSymbol()));
            }
        }
        List<Run> extra = new ArrayList<>();
        if (millionSymbols) {
            int n = 1_000_000;
            log.printf("job: ROCKSDB LSTM-64, %,d symbols (3 ticks each)...%n", n);
            log.flush();
            extra.add(JobFork.run(new JobFork.Request(
                            Kind.FORECAST,
                            Backend.ROCKSDB,
                            CellType.LSTM,
                            64,
                            n,
                            n,
                            Measure.ticks(2L * n),
                            true,
                            Duration.ZERO,
                            false))
                    .get(0));
        }
        return new Report(rows, extra, quick);
    }

    /**
     * One run, for profiling: {@code KIND BACKEND HIDDEN [SYMBOLS [SECONDS]]}, e.g. {@code forecast heap 32} under
     * {@code -XX:StartFlightRecording}.
     */
    public static void main(String[] args) throws Exception {
        Kind kind = Kind.valueOf(args[0].toUpperCase());
        Backend backend = Backend.valueOf(args[1].toUpperCase());
        int hidden = Integer.parseInt(args[2]);
        int symbols = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        long seconds = args.length > 4 ? Long.parseLong(args[4]) : 30;
        Run r = run(
                kind,
                backend,
                CellType.LSTM,
                hidden,
                symbols,
                (long) symbols * WARMUP_TICKS_PER_SYMBOL,
                Measure.time(Duration.ofSeconds(seconds)),
                0,
                false);
        System.out.printf("%s %s LSTM-%d: %,.0f ticks/s%n", kind, backend, hidden, r.ticksPerSecond());
    }

    public static void print(Report report, PrintWriter out) {
        out.printf(
                "%n%-8s %-8s %8s %14s %14s %7s %9s %9s %9s %12s %11s %12s%n",
                "state",
                "cell",
                "symbols",
                "forecast t/s",
                "passthru t/s",
                "ratio",
                "p50 ms",
                "p99 ms",
                "p99.9 ms",
                "at t/s",
                "state B",
                "savepoint B");
        for (Row r : report.rows()) {
            Run l = r.latency();
            out.printf(
                    "%-8s %-8s %,8d %,14.0f %,14.0f %6.2fx %9s %9s %9s %12s %11d %12d%n",
                    r.backend(),
                    r.cell() + "-" + r.hidden(),
                    r.symbols(),
                    r.forecastTicksPerSecond(),
                    r.passthroughTicksPerSecond(),
                    r.ratio(),
                    ms(l, l == null ? 0 : l.p50Ms()),
                    ms(l, l == null ? 0 : l.p99Ms()),
                    ms(l, l == null ? 0 : l.p999Ms()),
                    l == null ? "-" : String.format("%,.0f", l.offeredRate()),
                    r.stateBytes(),
                    r.savepointBytesPerSymbol());
        }
        for (Run x : report.extra()) {
            out.printf(
                    "%-8s %-8s %,8d %,14.0f %14s %7s %9s %9s %9s %12s %11s %12d%n",
                    x.backend(),
                    x.cell() + "-" + x.hidden(),
                    x.symbols(),
                    x.ticksPerSecond(),
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                    x.savepointBytesPerSymbol());
        }
        out.printf(
                "Parallelism 1 on a MiniCluster; the generator, decoder and forecast operator share this"
                        + " machine's cores. Each job runs in"
                        + " a JVM of its own, after an unmeasured %s of the same job (JIT warm-up).%n",
                report.quick()
                        ? JobFork.QUICK_JIT_WARMUP.toSeconds() + " s run (heap; none on RocksDB)"
                        : JobFork.JIT_WARMUP.toSeconds() + " s run (none before the 1,000,000-symbol run)");
        out.println("ratio = forecast / pass-through (same pipeline, keyed function replaced by one that reads and"
                + " writes state of the same size).");
        out.println("Latency: tick-to-forecast from each tick's scheduled send time, at half the forecast job's"
                + " measured peak, at-least-once.");
        out.printf(
                "Every run measures whole checkpoint intervals of %d s (the job's default) after its warm-up, so"
                        + " checkpoints weigh as in"
                        + " a long run.%n",
                JobOptions.CHECKPOINT_INTERVAL.defaultValue().toSeconds());
        out.println("state B = the forecast state's serialised bytes per symbol with full rings; savepoint B ="
                + " savepoint size / symbols"
                + " (canonical format: key and value per symbol and its expiry timer; includes the model once).");
    }

    private static String ms(Run latency, double v) {
        return latency == null ? "-" : String.format("%.2f", v);
    }
}
