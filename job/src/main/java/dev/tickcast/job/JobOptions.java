package dev.tickcast.job;

import dev.tickcast.job.serving.ChallengeRules;
import dev.tickcast.job.serving.ModelAdmission;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.GuardSettings;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every option of the job, with its default and description. Given on the command line as
 * {@code --key value} (e.g. {@code --bootstrap 127.0.0.1:9092}); {@code --help} lists them.
 */
public final class JobOptions {

    private JobOptions() {}

    public static final ConfigOption<String> BOOTSTRAP = ConfigOptions.key("bootstrap")
            .stringType()
            .defaultValue("127.0.0.1:9092")
            .withDescription("Kafka bootstrap servers.");

    public static final ConfigOption<String> TICKS_TOPIC = ConfigOptions.key("topic.ticks")
            .stringType()
            .defaultValue("tickcast.ticks")
            .withDescription("Topic of Tick values (key = symbol).");

    public static final ConfigOption<String> FORECASTS_TOPIC = ConfigOptions.key("topic.forecasts")
            .stringType()
            .defaultValue("tickcast.forecasts")
            .withDescription("Topic the Forecasts go to (key = symbol).");

    public static final ConfigOption<String> EVALUATIONS_TOPIC = ConfigOptions.key("topic.evaluations")
            .stringType()
            .defaultValue("tickcast.evaluations")
            .withDescription("Topic the Evaluations go to (key = symbol).");

    public static final ConfigOption<String> MODELS_TOPIC = ConfigOptions.key("topic.models")
            .stringType()
            .defaultValue("tickcast.models")
            .withDescription("Compacted topic of ModelUpdates (key = model name), read from the earliest offset.");

    public static final ConfigOption<String> DEAD_LETTERS_TOPIC = ConfigOptions.key("topic.deadletters")
            .stringType()
            .defaultValue("tickcast.deadletters")
            .withDescription("Topic of DeadLetters: every input the job could not use, with the reason.");

    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("group.id")
            .stringType()
            .defaultValue("tickcast-job")
            .withDescription("Kafka consumer group of the job's sources (offsets live in checkpoints; the group only"
                    + " reports progress).");

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS = ConfigOptions.key("starting-offsets")
            .enumType(StartingOffsets.class)
            .defaultValue(StartingOffsets.COMMITTED)
            .withDescription("Where the ticks source starts without a checkpoint: earliest, latest, or committed"
                    + " (the group's offsets, else earliest).");

    public static final ConfigOption<Delivery> DELIVERY = ConfigOptions.key("delivery")
            .enumType(Delivery.class)
            .defaultValue(Delivery.EXACTLY_ONCE)
            .withDescription("exactly-once (transactional sinks: read the output topics with"
                    + " isolation.level=read_committed) or at-least-once.");

    public static final ConfigOption<String> JOB_NAME = ConfigOptions.key("job-name")
            .stringType()
            .defaultValue("tickcast")
            .withDescription("The Flink job's name; also the start of the default --transactional-id-prefix.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions.key("transactional-id-prefix")
            .stringType()
            .noDefaultValue()
            .withDescription("Prefix of the sinks' Kafka transactional ids, which must be unique per job on a Kafka"
                    + " cluster (two jobs with one prefix fence each other's transactions). Default: the"
                    + " --job-name, '-', and 8 hex"
                    + " digits of a SHA-256 of the three output topics (not of --bootstrap, which may be written"
                    + " differently after a restore), so jobs that write different topics"
                    + " never share it. Keep it across a savepoint upgrade: set it to what the job used before"
                    + " (the log names it at"
                    + " start) if you change the name or the topics.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("checkpoint-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("Checkpoint interval; with exactly-once, forecasts become visible to read_committed"
                    + " consumers at each checkpoint.");

    public static final ConfigOption<Duration> BUFFER_TIMEOUT = ConfigOptions.key("buffer-timeout")
            .durationType()
            .defaultValue(Duration.ofMillis(1))
            .withDescription("Longest a network buffer waits to fill before it is sent on: bounds the latency"
                    + " each shuffle adds at low rates (Flink's default is 100 ms); under load buffers"
                    + " fill sooner. 1 ms halved the"
                    + " median tick-to-forecast latency at half the peak rate against 5 ms, with no loss"
                    + " of peak throughput.");

    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("parallelism")
            .intType()
            .defaultValue(-1)
            .withDescription("Job parallelism; -1 keeps the cluster's default.");

    public static final ConfigOption<Integer> MAX_PARALLELISM = ConfigOptions.key("max-parallelism")
            .intType()
            .defaultValue(128)
            .withDescription(
                    "Key groups of the keyed state: the most a savepoint can ever be rescaled to. Do not change"
                            + " it across savepoints.");

    public static final ConfigOption<Duration> STATE_TTL = ConfigOptions.key("state-ttl")
            .durationType()
            .defaultValue(Duration.ofDays(7))
            .withDescription("A symbol's state expires after this long without a tick (processing time;"
                    + " removed by a timer between this and 1.125 times this after the last tick).");

    public static final ConfigOption<Duration> FUTURE_TOLERANCE = ConfigOptions.key("future-tolerance")
            .durationType()
            .defaultValue(Duration.ofMinutes(1))
            .withDescription("Ticks whose event time is further than this ahead of the wall clock are"
                    + " dead-lettered (BAD_TIME). It bounds the harm of one wrongly dated tick: the symbol's"
                    + " later ticks are older than it,"
                    + " so they are dead-lettered (OUT_OF_ORDER) until the clock passes it, at most this long."
                    + " Raise it only for feeds"
                    + " stamped ahead on purpose (e.g. bars stamped at their close).");

    public static final ConfigOption<String> INITIAL_MODEL = ConfigOptions.key("model")
            .stringType()
            .noDefaultValue()
            .withDescription("Optional model file(s), comma-separated (written by 'tickcast train'), served from the"
                    + " start (each from its effective time, if it has one) until newer models arrive on"
                    + " the models topic.");

    public static final ConfigOption<String> TRUSTED_KEYS = ConfigOptions.key("trusted-keys")
            .stringType()
            .noDefaultValue()
            .withDescription(
                    "Public key file(s), comma-separated (from 'tickcast keygen'): when set, only models signed"
                            + " by one of them serve; others are dead-lettered. List several to rotate keys.");

    public static final ConfigOption<String> MODEL_LINE = ConfigOptions.key("model-line")
            .stringType()
            .defaultValue(ModelAdmission.DEFAULT_LINE)
            .withDescription("The model line this job serves (a ModelUpdate's model_name,"
                    + " 'train --name') when --model-routes is not set: models and controls of other lines on the"
                    + " models topic are dead-lettered (MODEL_REJECTED, LINE). With routes, one of their lines: the"
                    + " one whose gauges are the operator's top-level modelVersion and challengerVersion, and the"
                    + " line of the state in a savepoint of a build before routes.");

    public static final ConfigOption<String> MODEL_ROUTES = ConfigOptions.key("model-routes")
            .stringType()
            .noDefaultValue()
            .withDescription("Which model line serves which symbols, as PATTERN=LINE,... in order, the first"
                    + " match winning (* any run of characters, ? one), e.g. 'BITSTAMP:*=crypto,FX:*=fx,*=default';"
                    + " a symbol no route matches gets the naive forecast. Each line has its own versions, pins and"
                    + " challenger; models of lines not routed to are dead-lettered (MODEL_REJECTED, LINE). A routes"
                    + " record on the models topic ('tickcast model routes') replaces these from its effective time."
                    + " Default: every symbol to --model-line.");

    public static final ConfigOption<Long> MAX_VERSION_STEP = ConfigOptions.key("max-version-step")
            .longType()
            .defaultValue(ModelAdmission.DEFAULT_MAX_VERSION_STEP)
            .withDescription("A model whose version is more than this past the"
                    + " newest version the job holds is refused (MODEL_REJECTED, VERSION), as is any"
                    + " version past 2^53: one model with"
                    + " version 2^63-1 would otherwise block every later one. The first model a job"
                    + " receives may have any version.");

    public static final ConfigOption<Integer> RING_STEPS = ConfigOptions.key("ring-steps")
            .intType()
            .defaultValue(ForecastSettings.DEFAULTS.ringSteps())
            .withDescription("Recent inputs kept per symbol to re-warm its state under a new model.");

    public static final ConfigOption<Integer> RESIDUAL_WINDOW = ConfigOptions.key("residual-window")
            .intType()
            .defaultValue(ForecastSettings.DEFAULTS.residualWindow())
            .withDescription("Recent forecast residuals kept per symbol for the prediction interval.");

    public static final ConfigOption<Boolean> GUARD = ConfigOptions.key("guard")
            .booleanType()
            .defaultValue(GuardSettings.DEFAULTS.on())
            .withDescription("Whether each symbol's forecast takes only the share of the model's predicted move that"
                    + " the symbol's own evaluations support (a weight in [0, 1]: 0 is the naive last"
                    + " price), so a model"
                    + " that does not help a symbol is not served to it. false serves every model's"
                    + " forecast as it is.");

    public static final ConfigOption<Integer> GUARD_MEMORY = ConfigOptions.key("guard-memory")
            .intType()
            .defaultValue(GuardSettings.DEFAULTS.memory())
            .withDescription("Evaluations the guard's evidence mostly rests on (exponential forgetting: each one's"
                    + " weight decays by 1 - 1/this per later one), so a symbol's weight follows a model that stops or"
                    + " starts helping it.");

    public static final ConfigOption<Double> GUARD_PRIOR = ConfigOptions.key("guard-prior")
            .doubleType()
            .defaultValue(GuardSettings.DEFAULTS.prior())
            .withDescription("Evaluations of evidence the guard needs to trust a model halfway: a new symbol or model"
                    + " starts near the naive forecast and moves to the fitted weight as evidence accrues.");

    public static final ConfigOption<Double> GUARD_EVIDENCE = ConfigOptions.key("guard-evidence")
            .doubleType()
            .defaultValue(GuardSettings.DEFAULTS.evidence())
            .withDescription("Standard errors above 0 the fitted weight must be before a symbol is served the model at"
                    + " all (3: about 99.9% one-sided); below, the symbol gets the naive forecast. 0"
                    + " turns the test off.");

    public static final ConfigOption<String> INTERVAL_LEVELS = ConfigOptions.key("interval-levels")
            .stringType()
            .defaultValue("0.8,0.95")
            .withDescription("Nominal coverages of the prediction intervals of every horizon (a Forecast's"
                    + " horizons), ascending in (0, 1), at most 4. Each is calibrated online per symbol and horizon"
                    + " on the symbol's own errors, so that its share of misses tends to 1 - level.");

    public static final ConfigOption<Boolean> AUTO_PROMOTE = ConfigOptions.key("auto-promote")
            .booleanType()
            .defaultValue(ChallengeRules.DEFAULTS.autoPromote())
            .withDescription("Whether the job decides challenges itself: it scores a challenger (a model published with"
                    + " role CHALLENGER, 'train --publish --challenger') against the champion on the same ticks,"
                    + " and writes PROMOTE or RETIRE to the models topic when the evidence is significant. false:"
                    + " it scores and reports only (metrics, log), and 'tickcast model promote|retire' decides.");

    public static final ConfigOption<Long> CHALLENGE_MIN_EVALUATIONS = ConfigOptions.key("challenge-min-evaluations")
            .longType()
            .defaultValue(ChallengeRules.DEFAULTS.minEvaluations())
            .withDescription("Evaluations of a challenger (over all symbols) before the first look at the evidence;"
                    + " the next looks are at twice as many each time.");

    public static final ConfigOption<Long> CHALLENGE_MAX_EVALUATIONS = ConfigOptions.key("challenge-max-evaluations")
            .longType()
            .defaultValue(ChallengeRules.DEFAULTS.maxEvaluations())
            .withDescription(
                    "A challenger neither significantly better nor worse after this many evaluations is" + " retired.");

    public static final ConfigOption<Long> CHALLENGE_MIN_SYMBOLS = ConfigOptions.key("challenge-min-symbols")
            .longType()
            .defaultValue(ChallengeRules.DEFAULTS.minSymbols())
            .withDescription("Symbols a challenger must have run on before its evidence is looked at.");

    public static final ConfigOption<Double> CHALLENGE_SIGNIFICANCE = ConfigOptions.key("challenge-significance")
            .doubleType()
            .defaultValue(ChallengeRules.DEFAULTS.significance())
            .withDescription("Significance level of the Diebold-Mariano test over all the looks together (look k"
                    + " spends this / 2^(k+1)): the chance that a challenger no better than the champion is"
                    + " promoted.");

    public static final ConfigOption<Duration> PROMOTION_DELAY = ConfigOptions.key("promotion-delay")
            .durationType()
            .defaultValue(Duration.ZERO)
            .withDescription("Event time between the evidence a promotion rests on and the tick it serves from. A"
                    + " decision reaches the subtasks through the models topic, at the next checkpoint; with a"
                    + " delay longer than that (in the feed's event time), every subtask promotes at the"
                    + " decision's tick, as a replay does. 0: at once.");

    public static final ConfigOption<String> DECISION_KEY = ConfigOptions.key("decision-key")
            .stringType()
            .noDefaultValue()
            .withDescription("Ed25519 private key file (from 'tickcast keygen', its .pub beside it) the job signs its"
                    + " PROMOTE and RETIRE decisions with; required for --auto-promote when --trusted-keys is"
                    + " set, and its public key must be among them. The key travels in the job graph.");

    public static final ConfigOption<Integer> MAX_RECORD_BYTES = ConfigOptions.key("max-record-bytes")
            .intType()
            .defaultValue(1 << 20)
            .withDescription("Tick records whose key and value together are larger than this are dead-lettered"
                    + " (OVERSIZED) without being decoded.");

    /**
     * Options of earlier builds that no longer exist, with what to do instead: refused with that advice, so that a
     * deployment written for an older build fails with a reason rather than "unknown option".
     */
    public static final Map<String, String> REMOVED = Map.of(
            "out-of-orderness",
            "the job assigns no watermarks: it orders each symbol's ticks by arrival and dead-letters one older"
                    + " than the symbol's last (OUT_OF_ORDER); remove the option");

    /** All options, in the order --help lists them: every {@code ConfigOption} constant of this class, as declared. */
    public static final List<ConfigOption<?>> ALL = declaredOptions();

    private static List<ConfigOption<?>> declaredOptions() {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Field field : JobOptions.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigOption.class) {
                try {
                    options.add((ConfigOption<?>) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("public constant " + field.getName(), e);
                }
            }
        }
        return List.copyOf(options);
    }
}
