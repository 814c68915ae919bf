package dev.tickcast.job;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * TaskManager settings the job's latency depends on but cannot set itself (they belong to the cluster). The
 * in-process MiniClusters ({@code demo}, {@code bench}) apply them; {@code deploy/conf/config.yaml} and
 * {@code k8s/flink-deployment.yaml} carry the same values, and {@code DeploymentArtifactsTest} checks they agree.
 */
public final class ClusterTuning {

    /**
     * Network buffer size. A tick crosses the {@code keyBy} in ~50 bytes, so Flink's default 32 KiB buffer holds
     * ~650 ticks. After any stall (a GC pause, a checkpoint) ticks then waited between the decoder and the forecast
     * operator for 100-200 ms at a time, in a flat plateau, while both tasks had idle CPU: 14 ms with 32 KiB buffers
     * at 250 K ticks/s, 7.5 ms with 16 KiB, under 4 ms with 8 KiB, none seen with 4 KiB (bench latency runs, heap
     * LSTM-32, 10,000 symbols; bench/README.md, (6)). Smaller buffers cost peak throughput (alternated runs against 32
     * KiB: 8 KiB
     * -8%, 4 KiB -18%); 8 KiB keeps p99 under 5 ms at half the peak for the smaller loss.
     */
    public static final MemorySize NETWORK_BUFFER_SIZE = MemorySize.parse("8kb");

    private ClusterTuning() {}

    /** Adds the settings to a MiniCluster's configuration. */
    public static Configuration apply(Configuration conf) {
        conf.set(TaskManagerOptions.MEMORY_SEGMENT_SIZE, NETWORK_BUFFER_SIZE);
        return conf;
    }
}
