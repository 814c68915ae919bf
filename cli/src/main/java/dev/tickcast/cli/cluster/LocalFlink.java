package dev.tickcast.cli.cluster;

import dev.tickcast.cli.common.UserException;
import dev.tickcast.job.ClusterTuning;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A Flink MiniCluster in this JVM with the web UI, bound to 127.0.0.1 only. */
public final class LocalFlink {

    private LocalFlink() {}

    /**
     * @param preferredPort the web UI port to use if free; otherwise the next free one above it
     */
    public static StreamExecutionEnvironment environment(int preferredPort, int parallelism) {
        int port = freePortFrom(preferredPort);
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, port);
        conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.HOST, "127.0.0.1");
        ClusterTuning.apply(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        env.setParallelism(parallelism);
        return env;
    }

    public static String webUi(StreamExecutionEnvironment env) {
        return "http://127.0.0.1:" + env.getConfiguration().get(RestOptions.PORT);
    }

    private static int freePortFrom(int port) {
        for (int p = port; p < port + 20; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getByName("127.0.0.1"))) {
                return p;
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new UserException(
                "no free port for Flink's web UI in " + port + ".." + (port + 19) + "; pass --web-ui-port");
    }
}
