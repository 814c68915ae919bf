package dev.tickcast.cli.command;

import dev.tickcast.cli.cluster.FlinkRest;
import dev.tickcast.cli.common.UserException;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.TickcastJob;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        description = {
            "Submits the job's shaded jar to a Flink session cluster through its REST API (upload, then run with an"
                    + " explicit parallelism) and prints the Flink job id. Job options (listed below) pass through to"
                    + " dev.tickcast.job.TickcastJob and are checked here first. Paths given to --model must be"
                    + " readable by the"
                    + " JobManager (it runs the job's main)."
        })
public final class SubmitCommand implements Callable<Integer> {

    @Spec
    public CommandSpec spec;

    @Option(
            names = "--rest",
            description = "Flink REST API. Default: ${DEFAULT-VALUE}.",
            defaultValue = "http://127.0.0.1:${env:TICKCAST_FLINK_REST_PORT:-8081}")
    public String rest;

    @Option(
            names = "--parallelism",
            description =
                    "Parallelism of the job (REST submissions ignore parallelism.default). Default: ${DEFAULT-VALUE}.",
            defaultValue = "2")
    public int parallelism;

    @Option(
            names = "--savepoint",
            description = "Start from this savepoint (or retained checkpoint), e.g. the path 'tickcast stop-job"
                    + " --savepoint' printed. Default: none (fresh state).")
    public String savepoint;

    @Option(
            names = "--jar",
            description = "The job jar. Default: job/target/tickcast-job-*-flink.jar (built by 'mvn package').")
    public Path jar;

    @Unmatched
    public List<String> jobArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1) {
            throw new UserException("--parallelism must be >= 1, got " + parallelism);
        }
        try {
            JobConfig config = JobConfig.fromArgs(jobArgs.toArray(new String[0]));
            if (config.parallelism() > 0) {
                throw new UserException(
                        "give the parallelism once, as 'tickcast submit --parallelism N' (not as a job option)");
            }
            TickcastJob.initialModels(config); // a bad --model file fails here, not in the JobManager
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        Path jobJar = jar != null ? jar : defaultJar(ClusterCommand.projectRoot());
        if (!Files.isRegularFile(jobJar)) {
            throw new UserException(
                    "job jar " + jobJar + " not found; build it with 'mvn package -DskipTests' or pass --jar");
        }
        List<String> args = new ArrayList<>(jobArgs);
        for (int i = 0; i < args.size(); i++) {
            // The JobManager resolves relative paths against its own working directory: make --model absolute.
            if (args.get(i).equals("--model") && i + 1 < args.size()) {
                args.set(i + 1, absoluteModels(args.get(i + 1)));
            }
        }
        String jobId;
        try {
            jobId = new FlinkRest(rest).submit(jobJar, TickcastJob.class.getName(), args, parallelism, savepoint);
        } catch (IOException e) {
            throw new UserException(e.getMessage(), 1);
        }
        spec.commandLine()
                .getErr()
                .printf(
                        "submitted %s at parallelism %d%s; web UI %s/#/job/running/%s/overview%n",
                        jobJar.getFileName(), parallelism, savepoint == null ? "" : " from " + savepoint, rest, jobId);
        spec.commandLine().getOut().println(jobId);
        return 0;
    }

    public static Path defaultJar(Path root) throws IOException {
        try (DirectoryStream<Path> jars =
                Files.newDirectoryStream(root.resolve("job/target"), "tickcast-job-*-flink.jar")) {
            for (Path p : jars) {
                return p;
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // reported below
        }
        return root.resolve("job/target/tickcast-job-<version>-flink.jar");
    }

    private static String absoluteModels(String specs) {
        List<String> out = new ArrayList<>();
        for (String s : specs.split(",")) {
            int at = s.lastIndexOf('@');
            String file = at > 0 ? s.substring(0, at) : s;
            out.add(Path.of(file.trim()).toAbsolutePath() + (at > 0 ? s.substring(at) : ""));
        }
        return String.join(",", out);
    }
}
