package dev.tickcast.cli.command;

import dev.tickcast.cli.common.UserException;
import dev.tickcast.cli.report.HtmlReport;
import dev.tickcast.cli.report.ReportData;
import dev.tickcast.cli.report.ReportSources;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Writes a self-contained HTML accuracy report (charts embedded, and also written beside it as"
                + " PNG files):"
                + " per symbol, actual price vs forecast with its interval band and the rolling error of"
                + " the model vs the naive"
                + " last-price forecast; interval coverage; a summary table of MAE, RMSE, skill and"
                + " coverage. Reads the forecasts and"
                + " evaluations topics from their beginning up to their ends when it starts"
                + " (read_committed), or files given with"
                + " --forecasts / --evaluations.")
public final class ReportCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    public KafkaOptions kafkaOptions;

    @Option(
            names = "--forecasts-topic",
            description = "Topic of Forecast values. Default: ${DEFAULT-VALUE}.",
            defaultValue = "tickcast.forecasts")
    public String forecastsTopic;

    @Option(
            names = "--evaluations-topic",
            description = "Topic of Evaluation values. Default: ${DEFAULT-VALUE}.",
            defaultValue = "tickcast.evaluations")
    public String evaluationsTopic;

    @Option(
            names = "--forecasts",
            paramLabel = "FILE",
            description = "Read forecasts from this file instead of Kafka: an Avro container file"
                    + " of Forecast records, or the backtest's CSV (" + ReportSources.BACKTEST_CSV_HEADER
                    + "; no intervals). Default: none.")
    public Path forecastsFile;

    @Option(
            names = "--evaluations",
            paramLabel = "FILE",
            description = "Read evaluations from this Avro container file of Evaluation records"
                    + " instead of Kafka. Without it, file forecasts are evaluated against each symbol's"
                    + " next forecast. Default: none.")
    public Path evaluationsFile;

    @Option(
            names = "--out",
            description = "HTML file to write; the PNG charts go beside it. Default: ${DEFAULT-VALUE}.",
            defaultValue = "reports/report.html")
    public Path out;

    @Option(
            names = "--window",
            description = "Forecasts per point of the rolling error chart. Default: ${DEFAULT-VALUE}.",
            defaultValue = "100")
    public int window;

    @Option(
            names = "--max-points",
            description =
                    "Longer series are drawn with every k-th point (the table uses all). Default: ${DEFAULT-VALUE}.",
            defaultValue = "2000")
    public int maxPoints;

    @Spec
    public CommandSpec spec;

    @Override
    public Integer call() {
        if (window < 1 || maxPoints < 10) {
            throw new UserException("--window must be at least 1 and --max-points at least 10");
        }
        PrintWriter err = spec.commandLine().getErr();
        ReportData data = forecastsFile != null || evaluationsFile != null
                ? ReportSources.fromFiles(forecastsFile, evaluationsFile, err)
                : ReportSources.fromKafka(kafkaOptions.connection(), forecastsTopic, evaluationsTopic, err);
        HtmlReport.Written written = HtmlReport.write(data, out, new HtmlReport.Options(maxPoints, window));
        PrintWriter console = spec.commandLine().getOut();
        console.printf(
                "Report of %d symbols (%,d forecasts) from %s: %s (and %d PNG charts beside it)%n",
                data.bySymbol().size(),
                data.bySymbol().values().stream()
                        .mapToLong(java.util.List::size)
                        .sum(),
                data.source(),
                written.html().toAbsolutePath(),
                written.pngs().size());
        return 0;
    }
}
