package dev.tickcast.cli.command;

import dev.tickcast.cli.common.TickFiles;
import dev.tickcast.cli.common.UserException;
import dev.tickcast.cli.kafka.ModelsTopic;
import dev.tickcast.cli.kafka.TicksTopic;
import dev.tickcast.model.data.SymbolPattern;
import dev.tickcast.model.data.TickCsv;
import dev.tickcast.model.feature.Feature;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.ModelRole;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.ValidationMetrics;
import dev.tickcast.trainer.PublishGate;
import dev.tickcast.trainer.Trainer;
import dev.tickcast.trainer.TrainingResult;
import dev.tickcast.trainer.TrainingSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Trains a recurrent model on a tick CSV with Deeplearning4j, validates it on the latest part of each"
                        + " symbol's data against the naive last-price forecast, and writes the model file (an"
                        + " Avro container"
                        + " file of one ModelUpdate).")
public final class TrainCommand implements Callable<Integer> {

    /** How users name cells on the command line. */
    public enum Cell {
        lstm(CellType.LSTM),
        gru(CellType.GRU),
        rnn(CellType.SIMPLE_RNN);

        final CellType type;

        Cell(CellType type) {
            this.type = type;
        }
    }

    @Option(
            names = "--data",
            description = "Tick CSV (symbol,timestamp,price,volume). Default: ${DEFAULT-VALUE}.",
            defaultValue = "data/ticks.csv")
    public Path data;

    @Option(
            names = "--cell",
            description = "Cell type: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.",
            defaultValue = "lstm")
    public Cell cell;

    @Option(
            names = "--layers",
            description = "Stacked recurrent layers, 1-3. Default: ${DEFAULT-VALUE}.",
            defaultValue = "1")
    public int layers;

    @Option(
            names = "--hidden",
            description = "Hidden size of each layer. Default: ${DEFAULT-VALUE}.",
            defaultValue = "16")
    public int hidden;

    @Option(
            names = "--epochs",
            description = "Passes over the training windows. Default: ${DEFAULT-VALUE}.",
            defaultValue = "3")
    public int epochs;

    @Option(
            names = "--seed",
            description = "Random seed; the same seed and data give the same model. Default: ${DEFAULT-VALUE}.",
            defaultValue = "42")
    public long seed;

    @Option(
            names = "--out",
            description = "Model file to write. Default: ${DEFAULT-VALUE}.",
            defaultValue = "models/model.avro")
    public Path out;

    @Option(
            names = "--window",
            description = "Steps per training sequence (each starts from a zero state). Default: ${DEFAULT-VALUE}.",
            defaultValue = "100")
    public int window;

    @Option(
            names = "--tbptt",
            description = "Truncated-BPTT length within a window (LSTM, RNN). Default: ${DEFAULT-VALUE}.",
            defaultValue = "50")
    public int tbptt;

    @Option(names = "--batch", description = "Windows per minibatch. Default: ${DEFAULT-VALUE}.", defaultValue = "32")
    public int batch;

    @Option(
            names = "--learning-rate",
            description = "Adam learning rate. Default: ${DEFAULT-VALUE}.",
            defaultValue = "0.005")
    public double learningRate;

    @Option(
            names = "--validation",
            description = "Latest fraction of each symbol's ticks held out for validation. Default: ${DEFAULT-VALUE}.",
            defaultValue = "0.2")
    public double validation;

    @Option(
            names = "--horizons",
            split = ",",
            description = "Ticks ahead to forecast, ascending from 1 (e.g. 1,5,20): one output each, trained on the"
                    + " cumulative log return to that tick (no rollout). Default: ${DEFAULT-VALUE}.",
            defaultValue = "1")
    public int[] horizons;

    @Option(
            names = "--features",
            split = ",",
            description = "Model inputs, from log_return, log_gap, log_volume. Default: all three.")
    public List<String> features = List.of("log_return", "log_gap", "log_volume");

    @Option(
            names = "--model-version",
            description = "Model version to stamp (>= 1). With --publish, the newest published version + 1 is"
                    + " used when that is higher. Default: ${DEFAULT-VALUE}.",
            defaultValue = "1")
    public long version;

    @Option(
            names = "--symbols",
            paramLabel = "PATTERN[,PATTERN...]",
            description = "Train only on the symbols these patterns match (* any run of characters, ? one), e.g."
                    + " 'BITSTAMP:*' or 'FX:*,IDX:*': a model line for a group of symbols (--name). Default: every"
                    + " symbol.")
    public String symbols;

    @Option(
            names = "--name",
            description = "Model name (the models topic key). Default: ${DEFAULT-VALUE}.",
            defaultValue = "default")
    public String name;

    @Option(
            names = "--publish",
            description = "Also publish the model to the models topic, if it passes the gate (not worse than the"
                    + " naive forecast nor the published model on the same validation window). Warm-starts from"
                    + " the published model"
                    + " when its architecture matches.")
    public boolean publish;

    @Option(
            names = "--challenger",
            description = "With --publish: publish the model as a challenger. The job runs it in shadow beside the"
                    + " serving model, scores both on the same live ticks, and promotes it only if it is"
                    + " significantly better (job options --auto-promote, --challenge-*).")
    public boolean challenger;

    @Option(names = "--force", description = "With --publish: publish even if the gate says no.")
    public boolean force;

    /** The broker for --publish and --from-topic. */
    @picocli.CommandLine.Mixin
    public KafkaOptions kafkaOptions;

    @Option(
            names = "--models-topic",
            description = "Models topic. Default: ${DEFAULT-VALUE}.",
            defaultValue = "tickcast.models")
    public String modelsTopic;

    @Option(
            names = "--from-topic",
            paramLabel = "TOPIC",
            description = "Train on the ticks on this topic (everything on it when the run"
                    + " starts) instead of --data, e.g. tickcast.ticks; bounded by --since and --max-ticks.")
    public String fromTopic;

    @Option(
            names = "--since",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "With --from-topic: only"
                    + " the records of this last stretch of time (by their Kafka timestamps, e.g. 30d). Default: all.")
    public Duration since;

    @Option(
            names = "--max-ticks",
            description = "With --from-topic: at most this many records, the newest of each partition; the"
                    + " trainer holds what it reads in memory (about 1 KiB per tick while training)."
                    + " Default: ${DEFAULT-VALUE}.",
            defaultValue = "2000000")
    public long maxTicks;

    @Option(
            names = "--every",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Retrain on this schedule"
                    + " (e.g. 30m, 6h, 1d) until stopped; each round re-reads the data and warm-starts from the"
                    + " newest published model."
                    + " Without it, train once and exit (for a Kubernetes CronJob).")
    public Duration every;

    @picocli.CommandLine.Mixin
    public Signing signing;

    @picocli.CommandLine.Mixin
    public ModelTrust trust;

    @Spec
    public CommandSpec spec;

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public Integer call() throws Exception {
        TrainingSettings settings = settings();
        if (every == null) {
            return round(settings);
        }
        if (every.isZero() || every.isNegative()) {
            throw new UserException("--every must be > 0");
        }
        for (int n = 1; ; n++) {
            out().printf("%n== round %d at %s ==%n", n, Instant.now());
            try {
                round(settings);
            } catch (UserException e) {
                err().println("tickcast train: round " + n + " failed: " + e.getMessage() + "; next round in " + every);
            }
            out().printf("next round at %s (Ctrl-C stops)%n", Instant.now().plus(every));
            out().flush();
            Thread.sleep(every.toMillis());
        }
    }

    private TrainingSettings settings() {
        if (version < 1) {
            throw new UserException("--model-version must be >= 1 (0 is the naive forecast)");
        }
        if (maxTicks < 1) {
            throw new UserException("--max-ticks must be >= 1");
        }
        if ((since != null || spec.commandLine().getParseResult().hasMatchedOption("--max-ticks"))
                && fromTopic == null) {
            throw new UserException("--since and --max-ticks bound --from-topic; with --data, cut the file instead");
        }
        if (challenger && !publish) {
            throw new UserException("--challenger only means something with --publish");
        }
        if (force && !publish) {
            throw new UserException("--force only means something with --publish");
        }
        List<Feature> chosen;
        try {
            chosen = features.stream()
                    .map(String::trim)
                    .map(Feature::fromWireName)
                    .toList();
        } catch (IllegalArgumentException e) {
            throw new UserException("--features: " + e.getMessage());
        }
        int[] hiddenSizes = new int[layers];
        Arrays.fill(hiddenSizes, hidden);
        try {
            return new TrainingSettings(
                    cell.type,
                    hiddenSizes,
                    chosen,
                    epochs,
                    seed,
                    window,
                    tbptt,
                    batch,
                    learningRate,
                    validation,
                    8.0,
                    horizons);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /** The start of --since (null: all), the epoch at the earliest: Kafka has no timestamps before it. */
    private Instant sinceInstant() {
        if (since == null) {
            return null;
        }
        Instant now = Instant.now();
        return since.compareTo(Duration.between(Instant.EPOCH, now)) >= 0 ? Instant.EPOCH : now.minus(since);
    }

    /**
     * The newest model of the line the job would admit, or null. A model of the line refused here only for its
     * signature
     * or its version step may still be held by a job with another rule (e.g. one that ran without --trusted-keys before
     * signing was turned on); such a job refuses every version up to it. With nothing admitted, the trainer then does
     * not
     * guess a v1 but asks for --model-version; with something admitted, it warns.
     */
    private ModelUpdate servingModel(ModelsTopic models) {
        ModelsTopic.Replay replay = models.replay(trust.admission(name, signing.publicKeyOrNull()), err());
        long held = replay.highestHeldElsewhere();
        if (held == 0) {
            return replay.newest();
        }
        boolean versionGiven = spec.commandLine().getParseResult().hasMatchedOption("--model-version");
        String why = models.topic() + " holds v" + held + " of line '" + name
                + "', refused here for its signature or version step"
                + " (see the warnings above, or 'tickcast model list'); a job that admitted it before (e.g."
                + " before --trusted-keys)"
                + " still holds it and refuses every version up to v" + held;
        if (replay.newest() == null && !versionGiven) {
            throw new UserException(
                    why + ". Give the version to publish with --model-version, above the version the job serves"
                            + " (its log shows it), e.g. --model-version " + (held + 1)
                            + "; see k8s/README.md, 'Turning signing on'.");
        }
        if (!versionGiven || version <= held) {
            err().printf(
                            "warning: %s. If the job serves it, publish with --model-version %d or higher.%n",
                            why, held + 1);
        }
        return replay.newest();
    }

    /** The input's ticks of the --symbols, refused with the symbols there are when none matches. */
    private TickCsv.Result onlySymbols(TickCsv.Result input, String source) {
        List<SymbolPattern> patterns;
        try {
            patterns = SymbolPattern.list(symbols);
        } catch (IllegalArgumentException e) {
            throw new UserException("--symbols: " + e.getMessage());
        }
        List<Tick> chosen = input.ticks().stream()
                .filter(t -> SymbolPattern.anyMatches(patterns, t.getSymbol()))
                .toList();
        if (chosen.isEmpty()) {
            List<String> there = input.ticks().stream()
                    .map(Tick::getSymbol)
                    .distinct()
                    .sorted()
                    .limit(8)
                    .toList();
            throw new UserException("--symbols " + symbols + " matches no symbol of " + source
                    + " (its symbols include " + there + "); patterns take * and ?, e.g. 'BITSTAMP:*'");
        }
        return new TickCsv.Result(chosen, input.badRows());
    }

    /** One training run: read, train, write the file, and with --publish gate and publish. */
    private int round(TrainingSettings settings) throws IOException {
        String source = fromTopic != null ? "kafka:" + fromTopic : data.toString();
        TickCsv.Result input;
        if (fromTopic != null) {
            TicksTopic.Read read = TicksTopic.read(kafkaOptions.connection(), fromTopic, sinceInstant(), maxTicks);
            input = read.result();
            if (read.leftOut() > 0) {
                err().printf(
                                "%s: about %,d older record(s)%s left out by --max-ticks %d (the newest of each"
                                        + " partition kept)%n",
                                fromTopic, read.leftOut(), since == null ? "" : " of the last " + since, maxTicks);
            }
            if (!input.badRows().isEmpty()) {
                err().printf(
                                "%s: %d record(s) that are not usable ticks skipped (first: %s)%n",
                                fromTopic,
                                input.badRows().size(),
                                input.badRows().get(0));
            }
            if (input.ticks().isEmpty()) {
                throw new UserException("topic " + fromTopic + " has no usable tick to train on");
            }
        } else {
            input = TickFiles.read(data, err());
        }
        if (symbols != null) {
            input = onlySymbols(input, source);
            source = source + " (symbols " + symbols + ")";
        }
        ModelsTopic models = publish ? new ModelsTopic(kafkaOptions.connection(), modelsTopic) : null;
        // Only what the job would serve counts: never warm-start from, number after or sign over an unadmitted record.
        ModelUpdate published = publish ? servingModel(models) : null;
        long modelVersion = published == null ? version : Math.max(version, published.getVersion() + 1);
        out().printf(
                        "Training %s %s on %,d ticks from %s (seed %d)%s%n",
                        cell.type,
                        Arrays.toString(settings.hiddenSizes()),
                        input.ticks().size(),
                        source,
                        seed,
                        published == null ? "" : "; published: v" + published.getVersion());
        out().flush();

        TrainingResult result;
        try (ConsoleProgress progress = new ConsoleProgress()) {
            result = Trainer.train(input.ticks(), settings, name, modelVersion, source, progress, published);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        if (result.warmStarted()) {
            out().printf("(warm-started from published v%d)%n", published.getVersion());
        }
        ModelUpdate model = signing.apply(
                challenger
                        ? ModelUpdate.newBuilder(result.update())
                                .setRole(ModelRole.CHALLENGER)
                                .build()
                        : result.update());
        ModelFile.write(model, out);

        out().println();
        out().println("Validation (latest " + Math.round(validation * 100)
                + "% of each symbol), next-price forecasts:");
        ErrorTable.print(
                out(), result.validation().perSymbol(), result.validation().overall());
        ValidationMetrics v = result.update().getValidation();
        out().printf(
                        "%nModel v%d %s%s written to %s: validation MAE %.6g vs naive %.6g, RMSE %.6g vs naive"
                                + " %.6g, skill %+.4f%n",
                        modelVersion,
                        cell.type,
                        model.getSigner() == null ? "" : " (signed by key " + model.getSigner() + ")",
                        out,
                        v.getMae(),
                        v.getNaiveMae(),
                        v.getRmse(),
                        v.getNaiveRmse(),
                        v.getSkill());
        if (publish) {
            PublishGate.Decision decision = PublishGate.decide(result, published, input.ticks());
            out().println("Gate: " + decision.describe());
            if (decision.publish() || force) {
                models.publish(model);
                out().printf(
                                "Published v%d%s to %s at %s%s%n",
                                modelVersion,
                                challenger ? " as challenger" : "",
                                modelsTopic,
                                kafkaOptions.bootstrap,
                                decision.publish() ? "" : " (--force overrode the gate)");
            } else {
                out().println("Not published; the serving model stays. (--force publishes anyway.)");
            }
        }
        return 0;
    }
}
