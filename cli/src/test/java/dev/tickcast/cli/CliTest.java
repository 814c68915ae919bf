package dev.tickcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.model.data.TickCsv;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.model.forecast.ForecastSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The launcher's commands as a user runs them: exit codes, messages, files written. */
class CliTest {

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    /** Two random-walk symbols, a tick a minute, plus one exact duplicate row. */
    private Path smallCsv() throws Exception {
        Random random = new Random(1);
        List<String> lines = new ArrayList<>(List.of(TickCsv.HEADER));
        Instant t0 = Instant.parse("2021-03-01T00:00:00Z");
        double a = 100;
        double b = 50;
        for (int i = 0; i < 400; i++) {
            a *= Math.exp(0.001 * random.nextGaussian());
            b *= Math.exp(0.002 * random.nextGaussian());
            lines.add("AAA," + t0.plusSeconds(60L * i) + "," + a + ",1.5");
            lines.add("BBB," + t0.plusSeconds(60L * i) + "," + b + ",");
        }
        lines.add(lines.get(lines.size() - 1)); // exact duplicate of the last BBB tick
        Path csv = dir.resolve("ticks.csv");
        Files.write(csv, lines);
        return csv;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"demo", "job", "train", "backtest", "evaluate", "backfill", "replay", "tail", "report", "bench"})
    void everyCommandHasHelpWithDefaults(String command) {
        CliRun run = run(command, "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: tickcast " + command).contains("Default:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "publish", "pin", "unpin"})
    void everyModelSubcommandHasHelpWithDefaults(String sub) {
        CliRun run = run("model", sub, "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: tickcast model " + sub, "--bootstrap", "Default: 127.0.0.1:9092");
    }

    @Test
    void jobHelpListsTheJobsOwnOptionsWithDefaults() {
        CliRun run = run("job", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains(
                        "--bootstrap",
                        "127.0.0.1:9092",
                        "--delivery",
                        "exactly-once",
                        "--topic.ticks",
                        "tickcast.ticks");
    }

    @Test
    void jobWithUnknownOptionIsRefusedNamingIt() {
        CliRun run = run("job", "--bootstrapp", "x:1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown option --bootstrapp");
    }

    @Test
    void noCommandPrintsUsageListingCommands() {
        CliRun run = run();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("demo", "train", "backtest", "replay", "tail", "report", "bench");
    }

    @Test
    void trainOnFileWithoutUsableRowsExitsNonZeroNamingEachBadLine() throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.write(
                csv,
                List.of(TickCsv.HEADER, "X,yesterday,1,", "Y,2021-01-01T00:00:00Z,-3,", "Z,2021-01-01T00:00:00Z,1"));
        CliRun run = run(
                "train",
                "--data",
                csv.toString(),
                "--out",
                dir.resolve("m.avro").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains(
                        "line 2: timestamp 'yesterday'",
                        "line 3: BAD_PRICE",
                        "line 4: expected 4 columns",
                        "has no usable row (3 bad)");
        assertThat(dir.resolve("m.avro")).doesNotExist();
    }

    @Test
    void trainRefusesOutOfRangeOptionsWithTheOptionName() throws Exception {
        CliRun run = run("train", "--data", smallCsv().toString(), "--layers", "4");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--layers must be 1 to 3");
    }

    @Test
    void trainOnSomeSymbolsTrainsOnThoseOnlyAndNamesTheSymbolsThereWhenNoneMatches() throws Exception {
        Path model = dir.resolve("aaa.avro");
        CliRun train = run(
                "train",
                "--data",
                smallCsv().toString(),
                "--symbols",
                "A*",
                "--name",
                "a-line",
                "--hidden",
                "4",
                "--epochs",
                "1",
                "--window",
                "20",
                "--out",
                model.toString());
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(train.out()).contains("(symbols A*)", "AAA").doesNotContain("BBB");
        assertThat(ModelFile.read(model).getTraining().getSymbols()).isEqualTo(1);
        assertThat(ModelFile.read(model).getModelName()).isEqualTo("a-line");

        CliRun none = run("train", "--data", smallCsv().toString(), "--symbols", "FX:*", "--out", model.toString());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("--symbols FX:* matches no symbol", "[AAA, BBB]");

        CliRun empty = run("train", "--data", smallCsv().toString(), "--symbols", "A*,,B*");
        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err()).contains("--symbols: an empty symbol pattern");
    }

    @Test
    void missingDataFileIsOneClearLine() {
        CliRun run = run("train", "--data", dir.resolve("nope.csv").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .startsWith("tickcast train: no tick file at")
                .doesNotContain("Exception");
    }

    @Test
    void trainWritesAModelThatBacktestServesWithTheSameNumbersAsTheLibrary() throws Exception {
        Path csv = smallCsv();
        Path model = dir.resolve("model.avro");
        CliRun train = run(
                "train",
                "--data",
                csv.toString(),
                "--cell",
                "gru",
                "--hidden",
                "4",
                "--epochs",
                "1",
                "--window",
                "20",
                "--out",
                model.toString(),
                "--model-version",
                "3");
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(train.out()).contains("Validation", "AAA", "BBB", "skill", "Model v3 GRU written to");
        Model loaded = ModelFile.load(model);
        assertThat(loaded.version()).isEqualTo(3);

        Path forecasts = dir.resolve("forecasts.csv");
        CliRun backtest =
                run("backtest", "--model", model.toString(), "--data", csv.toString(), "--out", forecasts.toString());
        assertThat(backtest.exitCode()).as(backtest.err()).isZero();
        assertThat(backtest.out()).contains("800 forecasts", "DUPLICATE=1");

        List<String> rows = Files.readAllLines(forecasts);
        assertThat(rows.get(0)).isEqualTo("symbol,timestamp,price,forecast,model_version");
        List<String> expected = new ArrayList<>();
        Backtest.run(
                ModelFile.load(model),
                TickCsv.read(csv).ticks(),
                ForecastSettings.DEFAULTS,
                s -> Long.MIN_VALUE,
                (t, f) -> expected.add(f.getSymbol() + "," + f.getEventTime() + "," + f.getLastPrice() + ","
                        + f.getForecastPrice() + "," + f.getModelVersion()));
        assertThat(rows.subList(1, rows.size()))
                .containsExactlyElementsOf(expected)
                .hasSize(800);
        assertThat(rows.get(3)).endsWith(",3"); // AAA's second tick: the model's forecast

        // Two lines routed by symbol: AAA served by the trained line, BBB by another line's model (the same
        // weights as v7 of "other"), each re-warmed from its own history; the numbers are the library's.
        Path other = dir.resolve("other.avro");
        ModelFile.write(
                dev.tickcast.schema.ModelUpdate.newBuilder(ModelFile.read(model))
                        .setModelName("other")
                        .setVersion(7)
                        .build(),
                other);
        Path routed = dir.resolve("routed.csv");
        CliRun withRoutes = run(
                "backtest",
                "--model",
                model.toString(),
                "--model",
                other.toString(),
                "--model-routes",
                "B*=other,*=default",
                "--data",
                csv.toString(),
                "--out",
                routed.toString(),
                "--holdout",
                "0.5");
        assertThat(withRoutes.exitCode()).as(withRoutes.err()).isZero();
        assertThat(withRoutes.out()).contains("(routes B*=other,*=default)", "latest 50%");
        List<dev.tickcast.schema.Tick> ticks = TickCsv.read(csv).ticks();
        Model trained = ModelFile.load(model);
        Model otherLine = ModelFile.load(other);
        List<String> expectedRouted = new ArrayList<>();
        Backtest.runWithModels(
                i -> ticks.get(i).getSymbol().startsWith("B") ? otherLine : trained,
                ticks,
                ForecastSettings.DEFAULTS,
                s -> Long.MIN_VALUE,
                (t, f) -> expectedRouted.add(f.getSymbol() + "," + f.getEventTime() + "," + f.getLastPrice() + ","
                        + f.getForecastPrice() + "," + f.getModelVersion()));
        List<String> routedRows = Files.readAllLines(routed);
        assertThat(routedRows.subList(1, routedRows.size())).containsExactlyElementsOf(expectedRouted);
        assertThat(routedRows).anyMatch(r -> r.startsWith("BBB,") && r.endsWith(",7"));
        assertThat(routedRows).anyMatch(r -> r.startsWith("AAA,") && r.endsWith(",3"));
        // Scored on the later half only: each symbol's forecasts counted are about half of its 400.
        assertThat(withRoutes.out()).containsPattern("AAA +(19\\d|20\\d) ");
        assertThat(run("backtest", "--model", model.toString(), "--model-routes", "B*", "--data", csv.toString())
                        .err())
                .contains("--model-routes: route 'B*' is not PATTERN=LINE");
    }

    /**
     * A model of three horizons, trained and then evaluated as a user would: every horizon scored, its intervals'
     * coverage between 0 and 1, the same figures in the JSON, per symbol too; bad levels refused naming the option.
     */
    @Test
    void trainWithHorizonsThenEvaluateScoresEveryHorizon() throws Exception {
        Path csv = smallCsv();
        Path model = dir.resolve("horizons.avro");
        CliRun train = run(
                "train",
                "--data",
                csv.toString(),
                "--cell",
                "lstm",
                "--hidden",
                "4",
                "--epochs",
                "1",
                "--window",
                "20",
                "--horizons",
                "1,5,20",
                "--out",
                model.toString());
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(ModelFile.load(model).horizons()).containsExactly(1, 5, 20);

        Path json = dir.resolve("evaluation.json");
        CliRun evaluate =
                run("evaluate", "--model", model.toString(), "--data", csv.toString(), "--json", json.toString());
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
        assertThat(evaluate.out()).contains("horizons [1, 5, 20]", "GARCH(1,1)", "2 symbols");
        com.fasterxml.jackson.databind.JsonNode root =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        assertThat(root.get("horizons")).hasSize(3);
        long oneTick = root.get("horizons").get(0).get("evaluations").asLong();
        assertThat(oneTick)
                .as("400 ticks of 2 symbols, the latest 30% held out")
                .isBetween(236L, 242L);
        for (com.fasterxml.jackson.databind.JsonNode h : root.get("horizons")) {
            // Each held-out tick realises one forecast of every horizon (made that many ticks before it).
            assertThat(h.get("evaluations").asLong()).isEqualTo(oneTick);
            double coverage = h.get("interval_0.95").get("coverage").asDouble();
            assertThat(coverage).isBetween(0.5, 1.0);
        }
        assertThat(root.get("symbols").fieldNames()).toIterable().containsExactly("AAA", "BBB");

        CliRun bad = run("evaluate", "--data", csv.toString(), "--interval-levels", "0.95,0.8");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("--interval-levels");
    }

    @Test
    void backtestRefusesATamperedModelNamingTheCheck() throws Exception {
        Path model = dir.resolve("not-a-model.avro");
        Files.writeString(model, "hello");
        CliRun run = run(
                "backtest", "--model", model.toString(), "--data", smallCsv().toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("model refused: UNREADABLE");
    }

    @Test
    void demoRunsEndToEndOnASmallFileWithEveryValidTickForecast() throws Exception {
        // The README's first command, on a small file: trains, starts Kafka and Flink, replays, reads back, reports.
        CliRun demo = run(
                "demo",
                "--data",
                smallCsv().toString(),
                "--epochs",
                "1",
                "--out",
                dir.resolve("demo.avro").toString(),
                "--report",
                dir.resolve("report/report.html").toString());
        assertThat(demo.exitCode()).as(demo.err()).isZero();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Forecasts: ([0-9,]+) for ([0-9,]+) valid ticks")
                .matcher(demo.out());
        assertThat(m.find()).as(demo.out()).isTrue();
        assertThat(m.group(1)).isEqualTo(m.group(2)).isNotEqualTo("0");
        assertThat(dir.resolve("report/report.html")).isNotEmptyFile();
    }

    @Test
    void backfillRunsTheJobOverAFileAndEqualsTheBacktestWithBadRowsDeadLettered() throws Exception {
        Path csv = smallCsv();
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        lines.add(5, "AAA,not-a-time,1.0,");
        lines.add(9, "BBB,2021-03-01T00:04:00Z,-2,");
        lines.add(12, "SENTINEL");
        // A Latin-1 line: the CLI and the backfill both make it one bad row (BAD_ROW), not a failed file or a U+FFFD
        // symbol.
        Files.write(
                csv,
                String.join("\n", lines)
                        .replace("SENTINEL", "CAF\u00c9,2021-03-01T00:05:00Z,1.0,")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Path model = dir.resolve("model.avro");
        assertThat(run(
                                "train",
                                "--data",
                                csv.toString(),
                                "--hidden",
                                "4",
                                "--epochs",
                                "1",
                                "--window",
                                "20",
                                "--out",
                                model.toString())
                        .exitCode())
                .isZero();

        CliRun backfill = run(
                "backfill",
                "--data",
                csv.toString(),
                "--model",
                model.toString(),
                "--out",
                dir.resolve("bf").toString());
        assertThat(backfill.exitCode()).as(backfill.err()).isZero();
        assertThat(backfill.out()).contains("800 forecasts", "BAD_ROW=2", "BAD_PRICE=1", "DUPLICATE=1");

        List<String> actual = new ArrayList<>();
        try (var reader = new org.apache.avro.file.DataFileReader<>(
                dir.resolve("bf/forecasts.avro").toFile(),
                new org.apache.avro.specific.SpecificDatumReader<>(dev.tickcast.schema.Forecast.class))) {
            reader.forEach(f -> actual.add(
                    f.getSymbol() + " " + f.getEventTime() + " " + f.getForecastPrice() + " v" + f.getModelVersion()));
        }
        List<String> expected = new ArrayList<>();
        Backtest.run(
                ModelFile.load(model),
                TickCsv.read(csv).ticks(),
                ForecastSettings.DEFAULTS,
                s -> Long.MIN_VALUE,
                (t, f) -> expected.add(f.getSymbol() + " " + f.getEventTime() + " " + f.getForecastPrice() + " v"
                        + f.getModelVersion()));
        assertThat(actual).hasSize(800).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(actual.stream().filter(a -> a.startsWith("AAA")).toList())
                .containsExactlyElementsOf(
                        expected.stream().filter(a -> a.startsWith("AAA")).toList());
    }

    @Test
    void keygenThenSignedTrainingThenABackfillThatTrustsOnlyThatKey() throws Exception {
        CliRun keygen = run("keygen", "--out", dir.resolve("keys").toString());
        assertThat(keygen.exitCode()).as(keygen.err()).isZero();
        assertThat(run("keygen", "--out", dir.resolve("keys").toString()).err())
                .contains("exists; keep it, choose --name, or pass --force");
        Path csv = smallCsv();
        Path signed = dir.resolve("signed.avro");
        CliRun train = run(
                "train",
                "--data",
                csv.toString(),
                "--hidden",
                "4",
                "--epochs",
                "1",
                "--window",
                "20",
                "--out",
                signed.toString(),
                "--signing-key",
                dir.resolve("keys/tickcast-signing.key").toString());
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(train.out()).contains("(signed by key ");
        dev.tickcast.model.file.ModelSigning.verify(
                ModelFile.read(signed),
                dev.tickcast.model.file.ModelSigning.trusted(List.of(
                        dev.tickcast.model.file.ModelSigning.readPublicKey(dir.resolve("keys/tickcast-signing.pub"))
                                .getEncoded())));

        Path unsigned = dir.resolve("unsigned.avro");
        assertThat(run(
                                "train",
                                "--data",
                                csv.toString(),
                                "--hidden",
                                "4",
                                "--epochs",
                                "1",
                                "--window",
                                "20",
                                "--out",
                                unsigned.toString())
                        .exitCode())
                .isZero();
        String trusted = dir.resolve("keys/tickcast-signing.pub").toString();
        CliRun refused = run(
                "backfill",
                "--data",
                csv.toString(),
                "--model",
                unsigned.toString(),
                "--trusted-keys",
                trusted,
                "--out",
                dir.resolve("bf1").toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("--model refused: SIGNATURE: model v1 is not signed");
        CliRun served = run(
                "backfill",
                "--data",
                csv.toString(),
                "--model",
                signed.toString(),
                "--trusted-keys",
                trusted,
                "--out",
                dir.resolve("bf2").toString());
        assertThat(served.exitCode()).as(served.err()).isZero();
        assertThat(served.out()).contains("800 forecasts");
    }
}
