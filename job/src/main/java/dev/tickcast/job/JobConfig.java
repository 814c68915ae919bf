package dev.tickcast.job;

import dev.tickcast.job.serving.ChallengeRules;
import dev.tickcast.job.serving.DecisionSigner;
import dev.tickcast.job.serving.ModelAdmission;
import dev.tickcast.job.serving.ModelSpec;
import dev.tickcast.job.serving.TrustedKeys;
import dev.tickcast.model.data.SymbolRoutes;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.GuardSettings;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.TimeUtils;

/** The job's configuration, parsed and checked once from {@link JobOptions}. */
public record JobConfig(
        String bootstrap,
        String ticksTopic,
        String forecastsTopic,
        String evaluationsTopic,
        String modelsTopic,
        String deadLettersTopic,
        String groupId,
        StartingOffsets startingOffsets,
        DeliveryGuarantee delivery,
        String jobName,
        String transactionalIdPrefix,
        Duration checkpointInterval,
        Duration bufferTimeout,
        int parallelism,
        int maxParallelism,
        Duration stateTtl,
        Duration futureTolerance,
        List<ModelSpec> initialModels,
        List<String> trustedKeys,
        String modelLine,
        String modelRoutes,
        long maxVersionStep,
        ForecastSettings forecastSettings,
        ChallengeRules challengeRules,
        Duration promotionDelay,
        String decisionKey,
        int maxRecordBytes,
        Map<String, String> kafkaProperties)
        implements Serializable {

    /**
     * Options with this prefix are Kafka client properties for every source and sink, e.g. --kafka.security.protocol
     * SASL_SSL.
     */
    public static final String KAFKA_PREFIX = "kafka.";

    /** The defaults of every option. */
    public static JobConfig defaults() {
        return from(new Configuration());
    }

    /**
     * Parses {@code --key value} or {@code --key=value} pairs.
     *
     * @throws IllegalArgumentException naming the option and what it accepts
     */
    public static JobConfig fromArgs(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("expected --option value, got '" + arg + "' (see --help)");
            }
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value (see --help)");
            }
            values.put(key, value);
        }
        Set<String> known = JobOptions.ALL.stream().map(ConfigOption::key).collect(Collectors.toSet());
        for (String key : values.keySet()) {
            String removed = JobOptions.REMOVED.get(key);
            if (removed != null) {
                throw new IllegalArgumentException("--" + key + " is no longer an option: " + removed);
            }
            if (!known.contains(key) && !(key.startsWith(KAFKA_PREFIX) && key.length() > KAFKA_PREFIX.length())) {
                throw new IllegalArgumentException("unknown option --" + key + "; known: "
                        + JobOptions.ALL.stream().map(o -> "--" + o.key()).collect(Collectors.joining(", "))
                        + ", and --kafka.<client property> for Kafka client settings");
            }
        }
        return from(Configuration.fromMap(values));
    }

    /**
     * A comma-separated list of file paths, trimmed; empty for none; an empty entry is refused (a typo, not "no key").
     */
    private static List<String> paths(ConfigOption<String> option, String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> paths =
                java.util.Arrays.stream(value.split(",", -1)).map(String::trim).toList();
        if (paths.contains("")) {
            throw new IllegalArgumentException("--" + option.key() + ": an empty entry in '" + value + "'");
        }
        return paths;
    }

    /** Reads and checks every option from a Flink configuration. */
    public static JobConfig from(Configuration c) {
        JobConfig config = new JobConfig(
                nonBlank(c, JobOptions.BOOTSTRAP),
                nonBlank(c, JobOptions.TICKS_TOPIC),
                nonBlank(c, JobOptions.FORECASTS_TOPIC),
                nonBlank(c, JobOptions.EVALUATIONS_TOPIC),
                nonBlank(c, JobOptions.MODELS_TOPIC),
                nonBlank(c, JobOptions.DEAD_LETTERS_TOPIC),
                nonBlank(c, JobOptions.GROUP_ID),
                choice(c, JobOptions.STARTING_OFFSETS, StartingOffsets.class),
                choice(c, JobOptions.DELIVERY, Delivery.class).guarantee(),
                nonBlank(c, JobOptions.JOB_NAME),
                transactionalIdPrefix(c),
                positive(c, JobOptions.CHECKPOINT_INTERVAL),
                positive(c, JobOptions.BUFFER_TIMEOUT),
                get(c, JobOptions.PARALLELISM),
                get(c, JobOptions.MAX_PARALLELISM),
                positive(c, JobOptions.STATE_TTL),
                positive(c, JobOptions.FUTURE_TOLERANCE),
                ModelSpec.parseList(c.get(JobOptions.INITIAL_MODEL)),
                paths(JobOptions.TRUSTED_KEYS, c.get(JobOptions.TRUSTED_KEYS)),
                nonBlank(c, JobOptions.MODEL_LINE),
                c.get(JobOptions.MODEL_ROUTES),
                get(c, JobOptions.MAX_VERSION_STEP),
                forecastSettings(c),
                challengeRules(c),
                get(c, JobOptions.PROMOTION_DELAY),
                c.get(JobOptions.DECISION_KEY),
                get(c, JobOptions.MAX_RECORD_BYTES),
                kafkaProperties(c));
        if (config.parallelism() == 0 || config.parallelism() < -1) {
            throw new IllegalArgumentException(
                    "--parallelism must be >= 1 (or -1 for the cluster default), got " + config.parallelism());
        }
        if (config.maxParallelism() < 1
                || config.maxParallelism() > 32768
                || (config.parallelism() > 0 && config.parallelism() > config.maxParallelism())) {
            throw new IllegalArgumentException(
                    "--max-parallelism must be 1..32768 and >= --parallelism, got " + config.maxParallelism());
        }
        SymbolRoutes routes;
        try {
            SymbolRoutes.checkLine(config.modelLine());
            routes = config.routes();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--model-routes / --model-line: " + e.getMessage(), e);
        }
        if (!routes.lines().contains(config.modelLine())) {
            // A savepoint of a build before routes holds one line's state unnamed: it is taken to be --model-line's.
            throw new IllegalArgumentException("--model-line " + config.modelLine()
                    + " is not one --model-routes routes"
                    + " to (" + routes.lines() + "): set --model-line to one of them (the line a savepoint of a build"
                    + " before routes served, when restoring one)");
        }
        if (config.maxVersionStep() < 1) {
            throw new IllegalArgumentException("--max-version-step must be >= 1, got " + config.maxVersionStep());
        }
        if (config.promotionDelay().isNegative() || config.promotionDelay().compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException(
                    "--promotion-delay must be between 0 and 365 days, got " + config.promotionDelay());
        }
        if (config.maxRecordBytes() < 64) {
            throw new IllegalArgumentException("--max-record-bytes must be >= 64, got " + config.maxRecordBytes());
        }
        return config;
    }

    /**
     * The rules the referee decides by. With {@code --trusted-keys} but no {@code --decision-key} the job's decisions
     * could not be applied (unsigned), so it scores and reports only, as with {@code --auto-promote false}.
     */
    public ChallengeRules effectiveChallengeRules() {
        if (challengeRules.autoPromote() && !trustedKeys.isEmpty() && decisionKey == null) {
            return challengeRules.withAutoPromote(false);
        }
        return challengeRules;
    }

    /** Why the job does not decide challenges although --auto-promote is on, or null. */
    public String autoPromoteOffReason() {
        return challengeRules.autoPromote() && effectiveChallengeRules() != challengeRules
                ? "--trusted-keys is set but no --decision-key: the job cannot sign its PROMOTE and RETIRE"
                        + " decisions, so it scores challengers and reports only; give --decision-key (a key from"
                        + " 'tickcast keygen' whose .pub is among --trusted-keys), or decide with"
                        + " 'tickcast model promote|retire'"
                : null;
    }

    /** The signer of the job's decisions ({@code --decision-key}, read here), or null for unsigned decisions. */
    public DecisionSigner decisionSigner() {
        if (decisionKey == null) {
            return null;
        }
        DecisionSigner signer = DecisionSigner.load(Path.of(decisionKey));
        if (!trustedKeys.isEmpty()) {
            try {
                java.util.Set<String> trusted = dev.tickcast.model.file.ModelSigning.trusted(
                                TrustedKeys.load(trustedKeys))
                        .keySet();
                if (!trusted.contains(signer.keyId())) {
                    throw new IllegalArgumentException("--decision-key " + decisionKey + " (key " + signer.keyId()
                            + ") is not among --trusted-keys " + trusted + ": the job would refuse its own"
                            + " decisions; add its .pub to --trusted-keys");
                }
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--decision-key: " + e.getMessage(), e);
            }
        }
        return signer;
    }

    private static ChallengeRules challengeRules(Configuration c) {
        return new ChallengeRules(
                get(c, JobOptions.AUTO_PROMOTE),
                get(c, JobOptions.CHALLENGE_MIN_EVALUATIONS),
                get(c, JobOptions.CHALLENGE_MAX_EVALUATIONS),
                get(c, JobOptions.CHALLENGE_MIN_SYMBOLS),
                get(c, JobOptions.CHALLENGE_SIGNIFICANCE));
    }

    /** Which line serves which symbols until the models topic says otherwise: --model-routes, else all --model-line. */
    public SymbolRoutes routes() {
        return modelRoutes == null || modelRoutes.isBlank()
                ? SymbolRoutes.single(modelLine)
                : SymbolRoutes.parse(modelRoutes);
    }

    /** What may change the serving model: the line, the trusted keys (read from their files here), the version step. */
    public ModelAdmission modelAdmission() {
        return new ModelAdmission(modelLine, TrustedKeys.load(trustedKeys), maxVersionStep);
    }

    public boolean exactlyOnce() {
        return delivery == DeliveryGuarantee.EXACTLY_ONCE;
    }

    /** The options, their defaults and descriptions, for --help. */
    public static String help() {
        StringBuilder sb = new StringBuilder();
        sb.append(
                "tickcast job: Kafka ticks in, per-symbol recurrent state, forecasts out.\n\nOptions (--key value):\n");
        sb.append(String.format(
                "  --%-24s %s%n",
                "kafka.<property>",
                "Any Kafka client property for every source and sink, e.g. "
                        + "--kafka.security.protocol SASL_SSL --kafka.sasl.mechanism SCRAM-SHA-512"
                        + " --kafka.sasl.jaas.config '...'"));
        HtmlFormatter formatter = new HtmlFormatter();
        for (ConfigOption<?> o : JobOptions.ALL) {
            // Flink keeps descriptions as Description objects (toString() is the object's identity); render the text.
            String description = formatter.format(o.description()).replaceAll("<[^>]+>", "");
            sb.append(String.format("  --%-24s %s%n  %-26s (default: %s)%n", o.key(), description, "", defaultText(o)));
        }
        return sb.toString();
    }

    /** A default as it would be typed: "10 s", not Duration's "PT10S". */
    private static String defaultText(ConfigOption<?> o) {
        if (!o.hasDefaultValue()) {
            return "none";
        }
        Object value = o.defaultValue();
        return value instanceof Duration d ? TimeUtils.formatWithHighestUnit(d) : String.valueOf(value);
    }

    /** The --kafka.* options, prefix removed, in a stable order. */
    private static Map<String, String> kafkaProperties(Configuration c) {
        Map<String, String> props = new java.util.TreeMap<>();
        c.toMap().forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                props.put(k.substring(KAFKA_PREFIX.length()), v);
            }
        });
        for (String managed : List.of(
                "bootstrap.servers",
                "key.deserializer",
                "value.deserializer",
                "key.serializer",
                "value.serializer",
                "transactional.id")) {
            if (props.containsKey(managed)) {
                throw new IllegalArgumentException(
                        "--kafka." + managed + " is set by the job itself; use --bootstrap for the servers");
            }
        }
        return java.util.Collections.unmodifiableMap(props);
    }

    /**
     * The one given, or one derived from what tells this deployment apart: its name and its outputs. Not the bootstrap
     * servers: ids are per cluster anyway, and one cluster may be named by another broker list (a broker added), which
     * should not change what the job's transactions are called.
     */
    private static String transactionalIdPrefix(Configuration c) {
        if (c.contains(JobOptions.TRANSACTIONAL_ID_PREFIX)) {
            return nonBlank(c, JobOptions.TRANSACTIONAL_ID_PREFIX);
        }
        String outputs = String.join(
                "\n",
                nonBlank(c, JobOptions.FORECASTS_TOPIC),
                nonBlank(c, JobOptions.EVALUATIONS_TOPIC),
                nonBlank(c, JobOptions.DEAD_LETTERS_TOPIC));
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(outputs.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return nonBlank(c, JobOptions.JOB_NAME) + "-"
                    + java.util.HexFormat.of().formatHex(digest, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static <T> T get(Configuration c, ConfigOption<T> option) {
        try {
            return c.get(option);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + option.key() + ": " + e.getMessage(), e);
        }
    }

    private static String nonBlank(Configuration c, ConfigOption<String> option) {
        String v = get(c, option);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + option.key() + " must not be empty");
        }
        return v.trim();
    }

    private static Duration positive(Configuration c, ConfigOption<Duration> option) {
        Duration d = get(c, option);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("--" + option.key() + " must be > 0, got " + d);
        }
        return d;
    }

    /**
     * An enum option, as typed ("exactly-once"), ignoring case, surrounding blanks and '_' for '-'; refused with the
     * values it accepts (Flink's own parsing would name the enum class instead, and take only the exact spelling).
     */
    private static <E extends Enum<E>> E choice(Configuration c, ConfigOption<E> option, Class<E> type) {
        String typed = c.toMap().get(option.key());
        if (typed == null) {
            return option.defaultValue();
        }
        String wanted = typed.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        for (E value : type.getEnumConstants()) {
            if (value.toString().equals(wanted)) {
                return value;
            }
        }
        throw new IllegalArgumentException("--" + option.key() + " must be one of "
                + java.util.Arrays.stream(type.getEnumConstants())
                        .map(Object::toString)
                        .collect(Collectors.joining(", "))
                + ", got '" + typed + "'");
    }

    private static ForecastSettings forecastSettings(Configuration c) {
        int ring = get(c, JobOptions.RING_STEPS);
        int residuals = get(c, JobOptions.RESIDUAL_WINDOW);
        if (ring < 1 || residuals < ForecastSettings.DEFAULTS.minResiduals()) {
            throw new IllegalArgumentException("--ring-steps must be >= 1 and --residual-window >= "
                    + ForecastSettings.DEFAULTS.minResiduals() + ", got " + ring + " and " + residuals);
        }
        boolean guardOn = get(c, JobOptions.GUARD);
        int memory = get(c, JobOptions.GUARD_MEMORY);
        double prior = get(c, JobOptions.GUARD_PRIOR);
        double evidence = get(c, JobOptions.GUARD_EVIDENCE);
        GuardSettings guard;
        try {
            guard = new GuardSettings(guardOn, memory, prior, evidence);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--guard-memory must be >= 2, --guard-prior and --guard-evidence finite" + " numbers >= 0; got "
                            + memory + ", " + prior + " and " + evidence,
                    e);
        }
        dev.tickcast.model.forecast.IntervalSettings intervals;
        try {
            intervals = dev.tickcast.model.forecast.IntervalSettings.parseLevels(
                    get(c, JobOptions.INTERVAL_LEVELS), dev.tickcast.model.forecast.IntervalSettings.DEFAULTS.rate());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--interval-levels: " + e.getMessage(), e);
        }
        return new ForecastSettings(
                ring,
                residuals,
                ForecastSettings.DEFAULTS.minResiduals(),
                ForecastSettings.DEFAULTS.intervalZ(),
                guard,
                intervals);
    }
}
