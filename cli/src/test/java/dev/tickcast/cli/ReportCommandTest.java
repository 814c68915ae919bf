package dev.tickcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.cli.report.ReportCharts;
import dev.tickcast.cli.report.ReportSources;
import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.wire.WireCodec;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'tickcast report' from files and from topics: the numbers in the table are the numbers of the data. */
class ReportCommandTest {

    private static final Instant T0 = Instant.parse("2024-01-02T10:00:00Z");
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    /**
     * A symbol's job output as the job makes it: a forecast per tick, and an evaluation of each forecast at the next
     * tick.
     */
    private record Feed(List<Forecast> forecasts, List<Evaluation> evaluations) {}

    private static Feed feed(String symbol, int ticks, long seed) {
        Random random = new Random(seed);
        List<Forecast> forecasts = new ArrayList<>();
        List<Evaluation> evaluations = new ArrayList<>();
        double price = 100;
        for (int i = 0; i < ticks; i++) {
            Instant t = T0.plusSeconds(60L * i);
            if (i > 0) {
                Forecast p = forecasts.get(i - 1);
                evaluations.add(Evaluation.newBuilder()
                        .setSymbol(symbol)
                        .setForecastTime(p.getEventTime())
                        .setActualTime(t)
                        .setActualPrice(price)
                        .setForecastPrice(p.getForecastPrice())
                        .setNaivePrice(p.getLastPrice())
                        .setModelVersion(p.getModelVersion())
                        .setError(price - p.getForecastPrice())
                        .setNaiveError(price - p.getLastPrice())
                        .setCount(i)
                        .setMae(0)
                        .setRmse(0)
                        .setNaiveMae(0)
                        .setNaiveRmse(0)
                        .setSkill(0)
                        .build());
            }
            double forecast = price * (1 + 0.001 * random.nextGaussian());
            double half = i < 5 ? 0 : 0.3 + random.nextDouble(); // zero-width until enough residuals, as the job does
            forecasts.add(Forecast.newBuilder()
                    .setSymbol(symbol)
                    .setEventTime(t)
                    .setLastPrice(price)
                    .setForecastPrice(forecast)
                    .setForecastLogReturn(Math.log(forecast / price))
                    .setIntervalLow(forecast - half)
                    .setIntervalHigh(forecast + half)
                    .setModelVersion(i < 10 ? 0 : 2)
                    .build());
            price *= Math.exp(0.005 * random.nextGaussian());
        }
        return new Feed(forecasts, evaluations);
    }

    private static <T extends SpecificRecord> Path avro(Path file, List<T> records) throws Exception {
        try (DataFileWriter<T> w =
                new DataFileWriter<>(new SpecificDatumWriter<>(records.get(0).getSchema()))) {
            w.create(records.get(0).getSchema(), file.toFile());
            for (T r : records) {
                w.append(r);
            }
        }
        return file;
    }

    /** The summary table's MAE cell of a symbol, as a number. */
    private static double tableMae(String html, String symbol) {
        Matcher m = Pattern.compile(">" + Pattern.quote(symbol) + "</a></td><td>([\\d,]+)</td><td>([^<]+)</td>")
                .matcher(html);
        assertThat(m.find()).as("a table row for " + symbol).isTrue();
        return Double.parseDouble(m.group(2));
    }

    private static double tableCoverage(String html, String symbol) {
        Matcher m = Pattern.compile(">" + Pattern.quote(symbol) + "</a></td>(?:<td>[^<]*</td>){6}<td>([\\d.]+)%</td>")
                .matcher(html);
        assertThat(m.find()).as("a coverage cell for " + symbol).isTrue();
        return Double.parseDouble(m.group(1)) / 100;
    }

    private static void assertValidPngs(List<Path> pngs) throws Exception {
        assertThat(pngs).isNotEmpty();
        for (Path png : pngs) {
            assertThat(Arrays.copyOf(Files.readAllBytes(png), 8))
                    .as(png.toString())
                    .isEqualTo(PNG_MAGIC);
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).isEqualTo(ReportCharts.WIDTH);
            assertThat(image.getHeight()).isEqualTo(ReportCharts.HEIGHT);
        }
    }

    private List<Path> pngsIn(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
    }

    @Test
    void reportFromAvroFilesHasEverySymbolTheRightMaeAndCoverageAndValidPngs() throws Exception {
        Feed a = feed("EX:AAA", 300, 1);
        Feed b = feed("EX:BBB", 5_000, 2);
        List<Forecast> forecasts = new ArrayList<>(a.forecasts());
        forecasts.addAll(b.forecasts());
        List<Evaluation> evaluations = new ArrayList<>(a.evaluations());
        evaluations.addAll(b.evaluations());
        Path out = dir.resolve("out/report.html");

        CliRun run = CliRun.run(
                "report",
                "--forecasts",
                avro(dir.resolve("f.avro"), forecasts).toString(),
                "--evaluations",
                avro(dir.resolve("e.avro"), evaluations).toString(),
                "--out",
                out.toString(),
                "--max-points",
                "1000");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("Report of 2 symbols", out.toAbsolutePath().toString());
        String html = Files.readString(out);
        for (Feed f : List.of(a, b)) {
            String symbol = f.forecasts().get(0).getSymbol();
            double mae = f.evaluations().stream()
                    .mapToDouble(e -> Math.abs(e.getActualPrice() - e.getForecastPrice()))
                    .average()
                    .orElseThrow();
            assertThat(tableMae(html, symbol)).isCloseTo(mae, org.assertj.core.data.Percentage.withPercentage(1e-3));
            long withInterval = 0;
            long inside = 0;
            for (int i = 0; i + 1 < f.forecasts().size(); i++) {
                Forecast fc = f.forecasts().get(i);
                double next = f.forecasts().get(i + 1).getLastPrice();
                if (fc.getIntervalHigh() > fc.getIntervalLow()) {
                    withInterval++;
                    inside += next >= fc.getIntervalLow() && next <= fc.getIntervalHigh() ? 1 : 0;
                }
            }
            assertThat(tableCoverage(html, symbol))
                    .isCloseTo((double) inside / withInterval, org.assertj.core.data.Offset.offset(0.0006));
        }
        assertThat(html)
                .contains("<h2 id=\"EX_AAA\">EX:AAA</h2>", "<h2 id=\"EX_BBB\">EX:BBB</h2>", "data:image/png;base64,")
                .contains("charts show every 5th forecast")
                .contains("Model versions: [0, 2]");
        List<Path> pngs = pngsIn(out.getParent());
        assertThat(pngs)
                .extracting(p -> p.getFileName().toString())
                .containsExactly(
                        "report-EX_AAA-error.png",
                        "report-EX_AAA-price.png",
                        "report-EX_BBB-error.png",
                        "report-EX_BBB-price.png",
                        "report-coverage.png");
        assertValidPngs(pngs);
    }

    @Test
    void reportFromTheBacktestCsvPairsEachForecastWithTheNextTick() throws Exception {
        Path csv = dir.resolve("forecasts.csv");
        // AAA: prices 10, 11, 13 with forecasts 10.5, 12, 12; BBB: prices 5, 4 with forecast 5.5, 4.
        Files.write(
                csv,
                List.of(
                        ReportSources.BACKTEST_CSV_HEADER,
                        "AAA," + T0 + ",10.0,10.5,1",
                        "BBB," + T0 + ",5.0,5.5,1",
                        "AAA," + T0.plusSeconds(60) + ",11.0,12.0,1",
                        "BBB," + T0.plusSeconds(60) + ",4.0,4.0,1",
                        "AAA," + T0.plusSeconds(120) + ",13.0,12.0,1"));
        Path out = dir.resolve("r.html");

        CliRun run = CliRun.run("report", "--forecasts", csv.toString(), "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String html = Files.readString(out);
        assertThat(tableMae(html, "AAA")).isEqualTo((0.5 + 1.0) / 2); // |11 - 10.5|, |13 - 12|
        assertThat(tableMae(html, "BBB")).isEqualTo(1.5); // |4 - 5.5|
        assertThat(html).contains("coverage is not known");
        assertValidPngs(pngsIn(dir));
    }

    @Test
    void reportFromTopicsReadsUpToTheEndAndMatchesTheReportFromFiles() throws Exception {
        Feed a = feed("AAA", 200, 3);
        Feed b = feed("BBB", 150, 4);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(2, "r.forecasts", "r.evaluations");
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (Feed f : List.of(a, b)) {
                f.forecasts()
                        .forEach(x -> records.add(new ProducerRecord<>(
                                "r.forecasts",
                                WireCodec.key(x.getSymbol()),
                                WireCodec.of(Forecast.class).encode(x))));
                f.evaluations()
                        .forEach(x -> records.add(new ProducerRecord<>(
                                "r.evaluations",
                                WireCodec.key(x.getSymbol()),
                                WireCodec.of(Evaluation.class).encode(x))));
            }
            KafkaRecords.produce(kafka.bootstrapServers(), "r.forecasts", records);
            Path out = dir.resolve("kafka/report.html");

            CliRun run = CliRun.run(
                    "report",
                    "--bootstrap",
                    kafka.bootstrapServers(),
                    "--forecasts-topic",
                    "r.forecasts",
                    "--evaluations-topic",
                    "r.evaluations",
                    "--out",
                    out.toString());

            assertThat(run.exitCode()).as(run.err()).isZero();
            List<Forecast> forecasts = new ArrayList<>(a.forecasts());
            forecasts.addAll(b.forecasts());
            List<Evaluation> evaluations = new ArrayList<>(a.evaluations());
            evaluations.addAll(b.evaluations());
            Path fromFiles = dir.resolve("files/report.html");
            CliRun files = CliRun.run(
                    "report",
                    "--forecasts",
                    avro(dir.resolve("f.avro"), forecasts).toString(),
                    "--evaluations",
                    avro(dir.resolve("e.avro"), evaluations).toString(),
                    "--out",
                    fromFiles.toString());
            assertThat(files.exitCode()).as(files.err()).isZero();
            assertThat(table(Files.readString(out)))
                    .isEqualTo(table(Files.readString(fromFiles)))
                    .contains("<td>348</td>");
        }
    }

    private static String table(String html) {
        return html.substring(html.indexOf("<table>"), html.indexOf("</table>"));
    }

    @Test
    void reportWithoutInputFilesOrBrokerSaysWhatToDo() {
        CliRun run =
                CliRun.run("report", "--forecasts", dir.resolve("none.avro").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no file at");
    }
}
