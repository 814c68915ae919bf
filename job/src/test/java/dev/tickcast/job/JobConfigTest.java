package dev.tickcast.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tickcast.job.serving.ModelSpec;
import dev.tickcast.model.forecast.ForecastSettings;
import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobConfigTest {

    @Test
    void defaultsParse() {
        JobConfig c = JobConfig.fromArgs();

        assertThat(c).isEqualTo(JobConfig.defaults());
        assertThat(c.bootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(c.ticksTopic()).isEqualTo("tickcast.ticks");
        assertThat(c.forecastsTopic()).isEqualTo("tickcast.forecasts");
        assertThat(c.evaluationsTopic()).isEqualTo("tickcast.evaluations");
        assertThat(c.modelsTopic()).isEqualTo("tickcast.models");
        assertThat(c.deadLettersTopic()).isEqualTo("tickcast.deadletters");
        assertThat(c.groupId()).isEqualTo("tickcast-job");
        assertThat(c.startingOffsets()).isEqualTo(StartingOffsets.COMMITTED);
        assertThat(c.delivery()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(c.exactlyOnce()).isTrue();
        assertThat(c.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.parallelism()).isEqualTo(-1);
        assertThat(c.maxParallelism()).isEqualTo(128);
        assertThat(c.stateTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(c.futureTolerance()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.modelLine()).isEqualTo("default");
        assertThat(c.maxVersionStep()).isEqualTo(1000);
        assertThat(c.initialModels()).isEmpty();
        assertThat(c.trustedKeys()).isEmpty();
        assertThat(c.forecastSettings()).isEqualTo(ForecastSettings.DEFAULTS);
        assertThat(c.maxRecordBytes()).isEqualTo(1 << 20);
        assertThat(c.jobName()).isEqualTo("tickcast");
        assertThat(c.transactionalIdPrefix()).matches("tickcast-[0-9a-f]{8}");
    }

    @Test
    void theDefaultTransactionalIdPrefixDiffersBetweenJobsThatWriteDifferentTopicsAndSurvivesABootstrapChange() {
        String defaults = JobConfig.fromArgs().transactionalIdPrefix();
        assertThat(JobConfig.fromArgs("--topic.ticks", "other.ticks").transactionalIdPrefix())
                .isEqualTo(defaults);
        assertThat(JobConfig.fromArgs("--topic.forecasts", "other.forecasts").transactionalIdPrefix())
                .isNotEqualTo(defaults);
        assertThat(JobConfig.fromArgs("--topic.evaluations", "other.evaluations")
                        .transactionalIdPrefix())
                .isNotEqualTo(defaults);
        assertThat(JobConfig.fromArgs("--topic.deadletters", "other.deadletters")
                        .transactionalIdPrefix())
                .isNotEqualTo(defaults);
        // Transactional ids live in one cluster; a changed broker list must not orphan a restored job's open
        // transactions.
        assertThat(JobConfig.fromArgs("--bootstrap", "kafka-1:9092,kafka-2:9092")
                        .transactionalIdPrefix())
                .isEqualTo(defaults);
        assertThat(JobConfig.fromArgs("--job-name", "fx").transactionalIdPrefix())
                .startsWith("fx-")
                .endsWith(defaults.substring(9));
        assertThat(JobConfig.fromArgs("--transactional-id-prefix", " mine ").transactionalIdPrefix())
                .isEqualTo("mine");
        assertThat(JobConfig.fromArgs("--job-name", "fx", "--transactional-id-prefix", "mine")
                        .jobName())
                .isEqualTo("fx");
    }

    @Test
    void parsesGivenOptionsInBothForms() {
        JobConfig c = JobConfig.fromArgs(
                "--bootstrap",
                "kafka:9093",
                "--delivery=at-least-once",
                "--parallelism=4",
                "--max-parallelism",
                "64",
                "--state-ttl=2 h",
                "--starting-offsets",
                "earliest",
                "--topic.ticks=t1",
                "--model=/models/v3.avro",
                "--ring-steps",
                "16");

        assertThat(c.bootstrap()).isEqualTo("kafka:9093");
        assertThat(c.delivery()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(c.exactlyOnce()).isFalse();
        assertThat(c.parallelism()).isEqualTo(4);
        assertThat(c.maxParallelism()).isEqualTo(64);
        assertThat(c.stateTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(c.startingOffsets()).isEqualTo(StartingOffsets.EARLIEST);
        assertThat(c.ticksTopic()).isEqualTo("t1");
        assertThat(c.initialModels()).containsExactly(new ModelSpec("/models/v3.avro", null));
        assertThat(c.forecastSettings().ringSteps()).isEqualTo(16);
        assertThat(c.forecastSettings().residualWindow()).isEqualTo(ForecastSettings.DEFAULTS.residualWindow());
    }

    @Test
    void modelsAndKeysAreListsParsedOnce() {
        JobConfig c = JobConfig.fromArgs(
                "--model", "a.avro, b.avro@2020-01-01T00:00:00Z", "--trusted-keys", " k1.pub ,k2.pub");
        assertThat(c.initialModels())
                .containsExactly(
                        new ModelSpec("a.avro", null),
                        new ModelSpec("b.avro", java.time.Instant.parse("2020-01-01T00:00:00Z")));
        assertThat(c.initialModels().get(1)).hasToString("b.avro@2020-01-01T00:00:00Z");
        assertThat(c.trustedKeys()).containsExactly("k1.pub", "k2.pub");
        // An '@' not followed by a time is part of the file name; spaces around either part go.
        assertThat(JobConfig.fromArgs("--model", "models/v3@eu.avro , c.avro @2021-06-01T00:00:00Z")
                        .initialModels())
                .containsExactly(
                        new ModelSpec("models/v3@eu.avro", null),
                        new ModelSpec("c.avro", java.time.Instant.parse("2021-06-01T00:00:00Z")));
    }

    @Test
    void equalsSignInsideTheValueIsKept() {
        assertThat(JobConfig.fromArgs("--group.id=a=b").groupId()).isEqualTo("a=b");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--nope|1|unknown option --nope",
                "--delivery|exactly-twice|--delivery must be one of exactly-once, at-least-once, got 'exactly-twice'",
                "--delivery|none|--delivery must be one of exactly-once, at-least-once, got 'none'",
                "--out-of-orderness|5 s|--out-of-orderness is no longer an option: the job assigns no watermarks",
                "--state-ttl|-5 s|--state-ttl",
                "--state-ttl|0 s|--state-ttl must be > 0",
                "--checkpoint-interval|0 ms|--checkpoint-interval must be > 0",
                "--future-tolerance|-1 min|--future-tolerance",
                "--parallelism|0|--parallelism must be >= 1",
                "--parallelism|-2|--parallelism must be >= 1",
                "--parallelism|four|--parallelism",
                "--max-parallelism|0|--max-parallelism must be 1..32768",
                "--max-parallelism|40000|--max-parallelism must be 1..32768",
                "--starting-offsets|yesterday|--starting-offsets must be one of earliest, latest, committed, got"
                        + " 'yesterday'",
                "--bootstrap|' '|--bootstrap must not be empty",
                "--max-record-bytes|10|--max-record-bytes must be >= 64",
                "--ring-steps|0|--ring-steps must be >= 1",
                "--model|v3.avro@2020-13-45|'2020-13-45' is not an ISO-8601 time",
                "--model|@2020-01-01T00:00:00Z|an entry without a file name",
                "--model|'a.avro,,b.avro'|an entry without a file name",
                "--trusted-keys|' , '|--trusted-keys: an empty entry",
                "--guard|yes|--guard",
                "--guard-memory|1|--guard-memory must be >= 2",
                "--guard-prior|-1|got 1000, -1.0 and 3.0",
                "--guard-evidence|NaN|--guard-evidence finite",
            })
    void badOptionIsRefusedNamingIt(String option, String value, String message) {
        assertThatThrownBy(() -> JobConfig.fromArgs(option, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void maxParallelismBelowParallelismIsRefused() {
        assertThatThrownBy(() -> JobConfig.fromArgs("--parallelism", "8", "--max-parallelism", "4"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--max-parallelism must be 1..32768 and >= --parallelism, got 4");
        assertThat(JobConfig.fromArgs("--parallelism", "8", "--max-parallelism", "8")
                        .maxParallelism())
                .isEqualTo(8);
    }

    @Test
    void unknownOptionListsTheKnownOnes() {
        assertThatThrownBy(() -> JobConfig.fromArgs("--topic=x"))
                .hasMessageContaining("unknown option --topic;")
                .hasMessageContaining("--topic.ticks")
                .hasMessageContaining("--max-parallelism");
    }

    @Test
    void optionWithoutValueIsRefused() {
        assertThatThrownBy(() -> JobConfig.fromArgs("--parallelism"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--parallelism needs a value (see --help)");
    }

    @Test
    void positionalArgumentIsRefused() {
        assertThatThrownBy(() -> JobConfig.fromArgs("kafka:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected --option value, got 'kafka:9092'");
    }

    @Test
    void everyOptionConstantIsListedOnceInDeclarationOrder() throws Exception {
        long constants = java.util.Arrays.stream(JobOptions.class.getFields())
                .filter(f -> f.getType() == org.apache.flink.configuration.ConfigOption.class)
                .count();
        assertThat(JobOptions.ALL).hasSize((int) constants).doesNotHaveDuplicates();
        // The order --help shows (getDeclaredFields gives declaration order on the JVMs we run; this says if not).
        assertThat(JobOptions.ALL.stream().map(o -> o.key()))
                .containsExactly(
                        "bootstrap",
                        "topic.ticks",
                        "topic.forecasts",
                        "topic.evaluations",
                        "topic.models",
                        "topic.deadletters",
                        "group.id",
                        "starting-offsets",
                        "delivery",
                        "job-name",
                        "transactional-id-prefix",
                        "checkpoint-interval",
                        "buffer-timeout",
                        "parallelism",
                        "max-parallelism",
                        "state-ttl",
                        "future-tolerance",
                        "model",
                        "trusted-keys",
                        "model-line",
                        "model-routes",
                        "max-version-step",
                        "ring-steps",
                        "residual-window",
                        "guard",
                        "guard-memory",
                        "guard-prior",
                        "guard-evidence",
                        "interval-levels",
                        "auto-promote",
                        "challenge-min-evaluations",
                        "challenge-max-evaluations",
                        "challenge-min-symbols",
                        "challenge-significance",
                        "promotion-delay",
                        "decision-key",
                        "max-record-bytes");
    }

    @Test
    void enumValuesAreReadAsTyped() {
        assertThat(JobConfig.fromArgs("--delivery", " AT_LEAST_ONCE ").delivery())
                .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(JobConfig.fromArgs("--delivery=exactly_once").delivery()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(JobConfig.fromArgs("--starting-offsets", "Latest").startingOffsets())
                .isEqualTo(StartingOffsets.LATEST);
    }

    @Test
    void guardOptionsAreReadIntoTheForecastSettings() {
        var guard = JobConfig.fromArgs(
                        "--guard", "false", "--guard-memory", "500", "--guard-prior", "10", "--guard-evidence", "2.5")
                .forecastSettings()
                .guard();
        assertThat(guard).isEqualTo(new dev.tickcast.model.forecast.GuardSettings(false, 500, 10, 2.5));
        assertThat(JobConfig.defaults().forecastSettings().guard())
                .isEqualTo(dev.tickcast.model.forecast.GuardSettings.DEFAULTS);
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        String help = JobConfig.help();
        for (var option : JobOptions.ALL) {
            assertThat(help).contains("--" + option.key());
        }
        assertThat(help).contains("(default: 128)").contains("(default: none)");
        // Descriptions and durations read as text, not Description@1a2b3c or PT10S.
        assertThat(help)
                .doesNotContain("Description@")
                .doesNotContain("(default: PT")
                .contains("A symbol's state expires after this long without a tick")
                .contains("(default: 10 s)");
    }

    @Test
    void modelRoutesParseAndTheModelLineMustBeOneOfTheirs() {
        JobConfig c = JobConfig.fromArgs("--model-routes", "BITSTAMP:*=crypto,*=default");
        assertThat(c.routes().lineOf("BITSTAMP:BTCUSD")).isEqualTo("crypto");
        assertThat(JobConfig.defaults().routes()).hasToString("*=default");
        assertThatThrownBy(() -> JobConfig.fromArgs("--model-routes", "BITSTAMP:*=crypto"))
                .hasMessageContaining("--model-line default is not one --model-routes routes to ([crypto])");
        assertThat(JobConfig.fromArgs("--model-routes", "BITSTAMP:*=crypto", "--model-line", "crypto")
                        .modelLine())
                .isEqualTo("crypto");
        assertThatThrownBy(() -> JobConfig.fromArgs("--model-routes", "BITSTAMP:*"))
                .hasMessageContaining("--model-routes / --model-line: route 'BITSTAMP:*' is not PATTERN=LINE");
    }

    @Test
    void intervalLevelsAreReadIntoTheForecastSettingsAndCheckedWithAMessage() {
        JobConfig config = JobConfig.fromArgs("--interval-levels", "0.5,0.9,0.99");
        assertThat(config.forecastSettings().intervals().levels()).containsExactly(0.5, 0.9, 0.99);
        assertThat(JobConfig.defaults().forecastSettings().intervals())
                .isEqualTo(dev.tickcast.model.forecast.IntervalSettings.DEFAULTS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobConfig.fromArgs("--interval-levels", "0.95,0.8"))
                .hasMessageContaining("--interval-levels")
                .hasMessageContaining("ascend");
    }
}
