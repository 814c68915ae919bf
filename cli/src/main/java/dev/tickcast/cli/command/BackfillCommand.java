package dev.tickcast.cli.command;

import dev.tickcast.cli.common.UserException;
import dev.tickcast.cli.kafka.KafkaConnection;
import dev.tickcast.job.Backfill;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.TickcastJob;
import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.job.serving.ModelSpec;
import dev.tickcast.model.data.SymbolRoutes;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.wire.WireCodec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "backfill",
        mixinStandardHelpOptions = true,
        description =
                "Runs the streaming job over a bounded tick CSV instead of the ticks topic (Flink FileSource, local"
                        + " MiniCluster), writes forecasts, evaluations and dead letters to Avro container files"
                        + " (or to Kafka with"
                        + " --to-kafka) and finishes when the feed ends. Same operators as the streaming job:"
                        + " the same feed and"
                        + " models give the same forecasts, bit for bit.")
public final class BackfillCommand implements Callable<Integer> {

    @Spec
    public CommandSpec spec;

    @Option(names = "--data", description = "Tick CSV. Default: ${DEFAULT-VALUE}.", defaultValue = "data/ticks.csv")
    public Path data;

    @Option(
            names = "--model",
            split = ",",
            paramLabel = "FILE[@TIME]",
            description = "Model file(s) to serve; FILE@TIME (ISO-8601) serves it"
                    + " from that event time on, so a backfill can swap models at a fixed point of the"
                    + " feed. Without any, forecasts are naive.")
    public List<String> models = new ArrayList<>();

    @Option(
            names = "--model-routes",
            paramLabel = "PATTERN=LINE,...",
            description = "Which model line serves which symbols, as the job's --model-routes. Default: every symbol"
                    + " to the line of the first --model.")
    public String routes;

    @Option(
            names = "--out",
            description =
                    "Directory for forecasts.avro, evaluations.avro, deadletters.avro. Default: ${DEFAULT-VALUE}.",
            defaultValue = "backfill")
    public Path out;

    @Option(
            names = "--trusted-keys",
            paramLabel = "FILE[,FILE]",
            description = "Serve only models signed by one of these public keys.")
    public String trustedKeys;

    @Option(
            names = "--parallelism",
            description = "Parallelism of the local job. Default: ${DEFAULT-VALUE}.",
            defaultValue = "2")
    public int parallelism;

    @Option(
            names = "--to-kafka",
            description = "Write to the Kafka topics (tickcast.forecasts, ...) at --bootstrap instead of files.")
    public boolean toKafka;

    /** The broker for --to-kafka. */
    @picocli.CommandLine.Mixin
    public KafkaOptions kafkaOptions;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(data)) {
            throw new UserException("no tick CSV at " + data.toAbsolutePath());
        }
        if (parallelism < 1) {
            throw new UserException("--parallelism must be >= 1");
        }
        JobConfig config;
        List<byte[]> served = new ArrayList<>();
        try {
            KafkaConnection kafka = kafkaOptions.connection();
            List<String> args = new ArrayList<>(List.of(
                    "--parallelism",
                    String.valueOf(parallelism),
                    "--checkpoint-interval",
                    "2 s",
                    "--bootstrap",
                    kafka.bootstrap(),
                    "--job-name",
                    "tickcast-backfill",
                    // a bounded run never restores, so its transactions need no stable name, only one no other run has
                    "--transactional-id-prefix",
                    "tickcast-backfill-"
                            + java.util.UUID.randomUUID().toString().substring(0, 8),
                    "--trusted-keys",
                    trustedKeys == null ? "" : trustedKeys));
            args.addAll(kafka.asJobOptions());
            WireCodec<ModelUpdate> codec = ModelRecords.modelCodec();
            String firstLine = null;
            for (String model : models) {
                ModelUpdate update = TickcastJob.load(ModelSpec.parse(model.trim()));
                firstLine = firstLine == null ? update.getModelName() : firstLine;
                served.add(codec.encode(update));
            }
            if (routes != null) {
                args.addAll(List.of("--model-routes", routes));
                args.addAll(List.of(
                        "--model-line",
                        SymbolRoutes.parse(routes).lines().iterator().next()));
            } else if (firstLine != null) {
                args.addAll(List.of("--model-line", firstLine));
            }
            config = JobConfig.fromArgs(args.toArray(new String[0]));
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        PrintWriter console = spec.commandLine().getOut();
        console.printf(
                "Backfilling %s with %s on a local Flink (parallelism %d)...%n",
                data, models.isEmpty() ? "no model (naive forecasts)" : String.join(", ", models), parallelism);
        console.flush();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
        long started = System.nanoTime();
        if (toKafka) {
            Backfill.toKafka(config, data, served, env);
            console.printf(
                    "Done in %.1f s: forecasts, evaluations and dead letters written to %s, %s, %s at %s%n",
                    (System.nanoTime() - started) / 1e9,
                    config.forecastsTopic(),
                    config.evaluationsTopic(),
                    config.deadLettersTopic(),
                    config.bootstrap());
            return 0;
        }
        double[] sums = new double[2];
        Backfill.Result result = Backfill.toFiles(config, data, out, served, env, new Backfill.Listener() {
            @Override
            public void evaluation(Evaluation e) {
                sums[0] += Math.abs(e.getError());
                sums[1] += Math.abs(e.getNaiveError());
            }
        });
        double seconds = (System.nanoTime() - started) / 1e9;
        console.printf(
                "Done in %.1f s (%,.0f ticks/s): %,d forecasts -> %s, %,d evaluations -> %s, dead letters %s -> %s%n",
                seconds,
                (result.forecastCount()
                                + result.deadLettersByReason().values().stream()
                                        .mapToLong(Long::longValue)
                                        .sum())
                        / seconds,
                result.forecastCount(),
                result.forecasts(),
                result.evaluationCount(),
                result.evaluations(),
                result.deadLettersByReason(),
                result.deadLetters());
        if (result.evaluationCount() > 0) {
            console.printf(
                    "MAE %.6g vs naive %.6g. Next: ./tickcast report --forecasts %s --evaluations %s%n",
                    sums[0] / result.evaluationCount(),
                    sums[1] / result.evaluationCount(),
                    result.forecasts(),
                    result.evaluations());
        }
        return 0;
    }
}
