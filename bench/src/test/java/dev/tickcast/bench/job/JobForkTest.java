package dev.tickcast.bench.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tickcast.schema.CellType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench's forked JVMs: what crosses to the child and back, a real child run, and a child that fails. */
class JobForkTest {

    @Test
    void requestsAndRunsCrossTheProcessBoundaryUnchanged() {
        JobFork.Request byTime = new JobFork.Request(
                JobBenchmarks.Kind.FORECAST,
                JobBenchmarks.Backend.ROCKSDB,
                CellType.GRU,
                64,
                10_000,
                400_000,
                JobBenchmarks.Measure.time(Duration.ofMillis(10_500)),
                true,
                Duration.ofSeconds(5),
                true);
        JobFork.Request byTicks = new JobFork.Request(
                JobBenchmarks.Kind.PASSTHROUGH,
                JobBenchmarks.Backend.HEAP,
                CellType.LSTM,
                32,
                7,
                280,
                JobBenchmarks.Measure.ticks(2_000_000),
                false,
                Duration.ZERO,
                false);
        for (JobFork.Request r : List.of(byTime, byTicks)) {
            assertThat(JobFork.Request.fromArgs(r.toArgs().toArray(String[]::new)))
                    .isEqualTo(r);
        }
        JobBenchmarks.Run run = new JobBenchmarks.Run(
                JobBenchmarks.Kind.FORECAST,
                JobBenchmarks.Backend.HEAP,
                CellType.LSTM,
                32,
                10_000,
                6_712_345,
                671_493.123456789,
                335_746.0,
                0.3211,
                Math.PI,
                Double.NaN,
                804);
        assertThat(JobFork.parse(JobFork.format(run)))
                .isEqualTo(run); // records compare doubles bit for bit (NaN included)
    }

    @Test
    void aChildJvmRunsTheJobAndReportsItsPeak() throws Exception {
        int symbols = 50;
        List<JobBenchmarks.Run> runs = JobFork.run(new JobFork.Request(
                JobBenchmarks.Kind.FORECAST,
                JobBenchmarks.Backend.HEAP,
                CellType.LSTM,
                8,
                symbols,
                symbols * (long) JobBenchmarks.WARMUP_TICKS_PER_SYMBOL,
                JobBenchmarks.Measure.ticks(5_000),
                false,
                Duration.ZERO,
                false));
        assertThat(runs).hasSize(1);
        JobBenchmarks.Run peak = runs.get(0);
        assertThat(peak.kind()).isEqualTo(JobBenchmarks.Kind.FORECAST);
        assertThat(peak.symbols()).isEqualTo(symbols);
        assertThat(peak.ticks()).isEqualTo(5_000);
        assertThat(peak.ticksPerSecond()).isPositive().isFinite();
        assertThat(peak.p99Ms()).isNaN(); // no latency at an unlimited rate
    }

    @Test
    void aChildThatFailsIsReportedWithItsRequest() {
        JobFork.Request impossible = new JobFork.Request(
                JobBenchmarks.Kind.FORECAST,
                JobBenchmarks.Backend.HEAP,
                CellType.LSTM,
                -1,
                10,
                10,
                JobBenchmarks.Measure.ticks(10),
                false,
                Duration.ZERO,
                false);
        assertThatThrownBy(() -> JobFork.run(impossible))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("benchmark JVM for FORECAST HEAP LSTM -1")
                .hasMessageContaining("0 of 1 runs");
    }
}
