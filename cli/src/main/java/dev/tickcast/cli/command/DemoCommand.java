package dev.tickcast.cli.command;

import dev.tickcast.cli.cluster.LocalFlink;
import dev.tickcast.cli.common.TickFiles;
import dev.tickcast.cli.common.UserException;
import dev.tickcast.cli.kafka.KafkaConnection;
import dev.tickcast.cli.kafka.TickProducer;
import dev.tickcast.cli.report.HtmlReport;
import dev.tickcast.cli.report.ReportSources;
import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.job.ForecastJob;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.TickcastJob;
import dev.tickcast.job.serving.ModelAdmission;
import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.model.data.TickCsv;
import dev.tickcast.model.feature.Feature;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.ValidationMetrics;
import dev.tickcast.schema.wire.WireCodec;
import dev.tickcast.trainer.Trainer;
import dev.tickcast.trainer.TrainingResult;
import dev.tickcast.trainer.TrainingSettings;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Everything in one command, on the bundled real prices: starts a Kafka broker (KRaft, 127.0.0.1) and a"
                        + " Flink MiniCluster with its web UI in this process, trains a small recurrent model"
                        + " with DL4J on the earlier"
                        + " part of every symbol, publishes it to the models topic, runs the streaming job,"
                        + " replays the later part"
                        + " through Kafka with a few corrupt records mixed in, and prints per symbol how the"
                        + " forecasts did against"
                        + " the naive last-price forecast. Stops everything it started on exit or Ctrl-C.")
public final class DemoCommand implements Callable<Integer> {

    @Spec
    public CommandSpec spec;

    @Option(names = "--data", description = "Tick CSV. Default: ${DEFAULT-VALUE}.", defaultValue = "data/ticks.csv")
    public Path data;

    @Option(
            names = "--cell",
            description = "Cell type: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.",
            defaultValue = "lstm")
    public TrainCommand.Cell cell;

    @Option(names = "--epochs", description = "Training epochs. Default: ${DEFAULT-VALUE}.", defaultValue = "3")
    public int epochs;

    @Option(
            names = "--train-fraction",
            description = "Earlier fraction of each symbol used for training; the rest is replayed. Default:"
                    + " ${DEFAULT-VALUE}.",
            defaultValue = "0.7")
    public double trainFraction;

    @Option(
            names = "--web-ui-port",
            description = "Port of Flink's web UI (the next free one if taken). Default: ${DEFAULT-VALUE}.",
            defaultValue = "8081")
    public int webUiPort;

    @Option(
            names = "--out",
            description = "Where to write the demo's model file. Default: ${DEFAULT-VALUE}.",
            defaultValue = "models/demo.avro")
    public Path modelOut;

    @Option(
            names = "--report",
            description = "Where to write the HTML accuracy report (PNG charts beside it). Default: ${DEFAULT-VALUE}.",
            defaultValue = "reports/report.html")
    public Path report;

    private static final String TICKS = "tickcast.ticks";
    private static final String FORECASTS = "tickcast.forecasts";
    private static final String EVALUATIONS = "tickcast.evaluations";
    private static final String MODELS = "tickcast.models";
    private static final String DEAD_LETTERS = "tickcast.deadletters";

    @Override
    public Integer call() throws Exception {
        if (!(trainFraction > 0.1 && trainFraction < 0.95)) {
            throw new UserException("--train-fraction must be between 0.1 and 0.95");
        }
        PrintWriter console = spec.commandLine().getOut();
        TickCsv.Result csv = TickFiles.read(data, spec.commandLine().getErr());
        List<Tick> early = new ArrayList<>();
        List<Tick> late = new ArrayList<>();
        split(csv.ticks(), early, late);
        console.printf(
                "tickcast demo: %,d real ticks of %d symbols from %s%n%n",
                csv.ticks().size(),
                csv.ticks().stream().map(Tick::getSymbol).distinct().count(),
                data);

        console.printf(
                "1/4 Training a %s (16 hidden units) with DL4J on the earlier %.0f%% of each symbol: %,d ticks%n",
                cell.type, trainFraction * 100, early.size());
        console.flush();
        TrainingSettings settings = new TrainingSettings(
                cell.type, new int[] {16}, List.of(Feature.values()), epochs, 42L, 100, 50, 32, 5e-3, 0.2, 8.0);
        TrainingResult trained;
        try (ConsoleProgress progress = new ConsoleProgress()) {
            trained = Trainer.train(early, settings, ModelAdmission.DEFAULT_LINE, 1, data.toString(), progress);
        }
        ModelUpdate model = trained.update();
        ModelFile.write(model, modelOut);
        ValidationMetrics v = model.getValidation();
        console.printf(
                "    model v1 written to %s; on its own validation window: MAE %.4g vs naive %.4g, skill %+.4f%n%n",
                modelOut, v.getMae(), v.getNaiveMae(), v.getSkill());

        console.println("2/4 Starting a Kafka broker (KRaft) and a Flink MiniCluster in this process, on 127.0.0.1");
        console.flush();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(3, TICKS);
            kafka.createTopics(2, FORECASTS, EVALUATIONS);
            kafka.createTopics(1, DEAD_LETTERS);
            kafka.createTopics(1, Map.of("cleanup.policy", "compact"), MODELS);
            publish(kafka.bootstrapServers(), model);
            JobConfig config = JobConfig.fromArgs(
                    "--bootstrap",
                    kafka.bootstrapServers(),
                    "--parallelism",
                    "2",
                    "--checkpoint-interval",
                    "1 s",
                    "--starting-offsets",
                    "earliest",
                    "--transactional-id-prefix",
                    "tickcast-demo");
            StreamExecutionEnvironment env = LocalFlink.environment(webUiPort, 2);
            TickcastJob.configure(env, config);
            // The model is also given as the job's initial model, so every forecast of the replay uses it.
            ForecastJob.onKafka(config)
                    .initialModels(List.of(ModelRecords.modelCodec().encode(model)))
                    .build()
                    .attach(env);
            JobClient job = env.executeAsync("tickcast-demo");
            console.printf(
                    "    Kafka at %s, model v1 published to %s, job %s running: web UI at %s%n%n",
                    kafka.bootstrapServers(), MODELS, job.getJobID(), LocalFlink.webUi(env));

            long valid = Backtest.run(null, late, ForecastSettings.DEFAULTS, s -> Long.MIN_VALUE, (t, f) -> {})
                    .forecasts();
            console.printf(
                    "3/4 Replaying the later %,d ticks into %s (plus 3 corrupt records), exactly-once to %s%n",
                    late.size(), TICKS, FORECASTS);
            console.flush();
            try (TickProducer producer = new TickProducer(KafkaConnection.plain(kafka.bootstrapServers()), TICKS)) {
                for (Tick t : late) {
                    producer.send(t);
                }
                Tick last = late.get(late.size() - 1);
                producer.send(last.getSymbol(), "not a tick".getBytes(StandardCharsets.UTF_8));
                producer.send(
                        last.getSymbol(),
                        WireCodec.of(Tick.class)
                                .encode(Tick.newBuilder(last).setPrice(-1.0).build()));
                producer.send(
                        last.getSymbol(),
                        WireCodec.of(Tick.class)
                                .encode(Tick.newBuilder(last)
                                        .setEventTime(last.getEventTime().minus(Duration.ofDays(365)))
                                        .build()));
                producer.flush();
            }
            long expectedDeadLetters = late.size() - valid + 3;
            DemoResults results;
            try (ProgressBar bar = progressBar(valid)) {
                // Each symbol's first tick has no earlier forecast to evaluate.
                long expectedEvaluations =
                        valid - late.stream().map(Tick::getSymbol).distinct().count();
                results = DemoResults.collect(
                        kafka.bootstrapServers(),
                        FORECASTS,
                        EVALUATIONS,
                        DEAD_LETTERS,
                        valid,
                        expectedEvaluations,
                        expectedDeadLetters,
                        Duration.ofMinutes(4),
                        bar);
            }
            job.cancel().get();
            console.println();
            console.println("4/4 What came out of Kafka (read_committed), per symbol:");
            results.print(console, late);
            console.printf(
                    "%nForecasts: %,d for %,d valid ticks; dead letters: %s.%n",
                    results.forecasts(), valid, results.deadLettersByReason());
            // The same report 'tickcast report' writes, from the topics the job just filled.
            HtmlReport.Written written = HtmlReport.write(
                    ReportSources.fromKafka(
                            KafkaConnection.plain(kafka.bootstrapServers()),
                            FORECASTS,
                            EVALUATIONS,
                            spec.commandLine().getErr()),
                    report,
                    HtmlReport.Options.DEFAULTS);
            console.printf("Report with charts: %s%n", written.html().toAbsolutePath());
            console.printf(
                    "Model %s, file %s. Next: README.md explains what you saw and how to run the job on your own"
                            + " Kafka.%n",
                    model.getCellType(), modelOut);
        }
        return 0;
    }

    /**
     * Per symbol, the earlier trainFraction of its ticks (by position) to train on; the rest, in file order, to replay.
     */
    private void split(List<Tick> ticks, List<Tick> early, List<Tick> late) {
        Map<String, Integer> total = new HashMap<>();
        for (Tick t : ticks) {
            total.merge(t.getSymbol(), 1, Integer::sum);
        }
        Map<String, Integer> seen = new HashMap<>();
        for (Tick t : ticks) {
            int k = seen.merge(t.getSymbol(), 1, Integer::sum);
            (k <= total.get(t.getSymbol()) * trainFraction ? early : late).add(t);
        }
    }

    private static void publish(String bootstrap, ModelUpdate model) {
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaConnection.plain(bootstrap).producer(Map.of())) {
            producer.send(new ProducerRecord<>(
                    MODELS,
                    WireCodec.key(model.getModelName()),
                    ModelRecords.modelCodec().encode(model)));
            producer.flush();
        }
    }

    private static ProgressBar progressBar(long max) {
        return new ProgressBarBuilder()
                .setTaskName("forecasts")
                .setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" ticks", 1)
                .showSpeed()
                .continuousUpdate()
                .build();
    }
}
