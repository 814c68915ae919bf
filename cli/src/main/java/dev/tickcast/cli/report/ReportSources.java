package dev.tickcast.cli.report;

import dev.tickcast.cli.common.TickFiles;
import dev.tickcast.cli.common.UserException;
import dev.tickcast.cli.kafka.BoundedTopicReader;
import dev.tickcast.cli.kafka.KafkaConnection;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.wire.WireCodec;
import dev.tickcast.schema.wire.WireException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/** Loads the report's forecasts and evaluations from Kafka topics or from files. */
public final class ReportSources {

    public static final String BACKTEST_CSV_HEADER = "symbol,timestamp,price,forecast,model_version";

    private ReportSources() {}

    /**
     * Both topics from the beginning up to their ends when the read starts; records that do not decode are counted and
     * skipped.
     */
    public static ReportData fromKafka(
            KafkaConnection kafka, String forecastsTopic, String evaluationsTopic, PrintWriter err) {
        List<Forecast> forecasts = readTopic(kafka, forecastsTopic, WireCodec.of(Forecast.class), err);
        List<Evaluation> evaluations = readTopic(kafka, evaluationsTopic, WireCodec.of(Evaluation.class), err);
        return ReportData.of(
                forecastsTopic + " and " + evaluationsTopic + " at " + kafka.bootstrap(), forecasts, evaluations);
    }

    public static ReportData fromFiles(Path forecastsFile, Path evaluationsFile, PrintWriter err) {
        if (forecastsFile == null && evaluationsFile == null) {
            throw new UserException("give --forecasts FILE and/or --evaluations FILE, or neither to read the topics");
        }
        List<Forecast> forecasts = forecastsFile == null
                ? List.of()
                : TickFiles.isAvroContainer(existing(forecastsFile))
                        ? readAvro(forecastsFile, Forecast.class)
                        : readBacktestCsv(forecastsFile, err);
        List<Evaluation> evaluations =
                evaluationsFile == null ? List.of() : readAvro(existing(evaluationsFile), Evaluation.class);
        String source = (forecastsFile == null ? "" : forecastsFile.toString())
                + (forecastsFile != null && evaluationsFile != null ? " and " : "")
                + (evaluationsFile == null ? "" : evaluationsFile.toString());
        return ReportData.of(source, forecasts, evaluations);
    }

    private static <T extends SpecificRecord> List<T> readTopic(
            KafkaConnection kafka, String topic, WireCodec<T> codec, PrintWriter err) {
        List<T> out = new ArrayList<>();
        long[] bad = {0};
        BoundedTopicReader.read(kafka, topic, r -> {
            try {
                out.add(codec.decode(r.value()));
            } catch (WireException e) {
                bad[0]++;
            }
        });
        if (bad[0] > 0) {
            err.printf(
                    "%s: %,d records are not %s values and were left out ('tickcast tail %s --from-beginning'"
                            + " shows them)%n",
                    topic, bad[0], codec.schema().getName(), topic);
        }
        return out;
    }

    private static Path existing(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("no file at " + file.toAbsolutePath());
        }
        return file;
    }

    private static <T extends SpecificRecord> List<T> readAvro(Path file, Class<T> type) {
        List<T> out = new ArrayList<>();
        try (DataFileReader<T> reader = new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(type))) {
            String written = reader.getSchema().getFullName();
            if (!written.equals(type.getName())) {
                throw new UserException(file + " holds " + written + " records, not " + type.getName());
            }
            reader.forEach(out::add);
        } catch (IOException | AvroRuntimeException e) {
            throw new UserException("cannot read " + file + " as an Avro container file of " + type.getSimpleName()
                    + ": " + e.getMessage());
        }
        return out;
    }

    /** The backtest's CSV: no interval, so the forecast is its own interval (coverage is not known). */
    private static List<Forecast> readBacktestCsv(Path file, PrintWriter err) {
        List<Forecast> out = new ArrayList<>();
        long line = 0;
        long bad = 0;
        try (BufferedReader r = Files.newBufferedReader(existing(file), StandardCharsets.UTF_8)) {
            for (String s = r.readLine(); s != null; s = r.readLine()) {
                line++;
                if (s.isBlank() || (line == 1 && s.startsWith("symbol,"))) {
                    continue;
                }
                String[] c = s.split(",", -1);
                try {
                    double price = Double.parseDouble(c[2]);
                    double forecast = Double.parseDouble(c[3]);
                    out.add(Forecast.newBuilder()
                            .setSymbol(c[0])
                            .setEventTime(Instant.parse(c[1]))
                            .setLastPrice(price)
                            .setForecastPrice(forecast)
                            .setForecastLogReturn(Math.log(forecast / price))
                            .setIntervalLow(Double.NaN)
                            .setIntervalHigh(Double.NaN)
                            .setModelVersion(Long.parseLong(c[4]))
                            .build());
                } catch (RuntimeException e) {
                    if (++bad <= 10) {
                        err.printf("%s: line %d is not a forecast row (%s): %s%n", file, line, BACKTEST_CSV_HEADER, s);
                    }
                }
            }
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        }
        if (bad > 0) {
            err.printf("%s: %,d bad row(s) left out%n", file, bad);
        }
        return out;
    }
}
