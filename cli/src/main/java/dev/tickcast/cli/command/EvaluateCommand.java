package dev.tickcast.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tickcast.cli.common.TickFiles;
import dev.tickcast.cli.common.UserException;
import dev.tickcast.cli.evaluate.ForecastEvaluation;
import dev.tickcast.cli.evaluate.HorizonScore;
import dev.tickcast.cli.evaluate.VolatilityBaselines;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.GuardSettings;
import dev.tickcast.model.forecast.IntervalSettings;
import dev.tickcast.schema.Tick;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = "Runs a model over a tick CSV through the job's per-tick code and scores, per horizon, the"
                + " forecasts realised in each symbol's held-out part: skill vs naive, MAE / RMSE / MASE (log-price"
                + " units), and per interval level the empirical coverage, mean width and Winkler score, beside the"
                + " uncalibrated rolling-RMS interval; and the one-tick volatility of a per-symbol GARCH(1,1) vs the"
                + " rolling RMS by Gaussian NLL.")
public final class EvaluateCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description = "Model file ('tickcast train'). Default: none,"
                    + " the naive forecast (whose intervals are calibrated all the same).")
    public Path modelFile;

    @Option(names = "--data", description = "Tick CSV. Default: ${DEFAULT-VALUE}.", defaultValue = "data/ticks.csv")
    public Path data;

    @Option(
            names = "--holdout",
            paramLabel = "FRACTION",
            description =
                    "Score each symbol's latest FRACTION of ticks (the earlier ones step the state and fit"
                            + " GARCH(1,1)); with a model trained on the earlier part, out of sample. Default: ${DEFAULT-VALUE}.",
            defaultValue = "0.3")
    public double holdout;

    @Option(
            names = "--interval-levels",
            paramLabel = "P,...",
            description =
                    "Nominal coverages of the intervals, as the job's --interval-levels. Default: ${DEFAULT-VALUE}.",
            defaultValue = "0.8,0.95")
    public String levels;

    @Option(
            names = "--guard",
            arity = "1",
            description = "Whether each symbol takes only the share of the model's move its evidence supports, as"
                    + " the job. Default: ${DEFAULT-VALUE}.",
            defaultValue = "" + GuardSettings.DEFAULT_ON)
    public boolean guard;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every figure, per symbol too, as JSON.")
    public Path json;

    @Spec
    public CommandSpec spec;

    /** A learning rate so small that the multiplier stays at its prior: the interval of z · √h · rolling RMS. */
    private static final double FIXED = 1e-12;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!(holdout > 0 && holdout < 1)) {
            throw new UserException("--holdout must be in (0, 1), got " + holdout);
        }
        IntervalSettings calibrated;
        try {
            calibrated = IntervalSettings.parseLevels(levels, IntervalSettings.DEFAULTS.rate());
        } catch (IllegalArgumentException e) {
            throw new UserException("--interval-levels: " + e.getMessage());
        }
        Model model = null;
        if (modelFile != null) {
            try {
                model = ModelFile.load(modelFile);
            } catch (ModelRejectedException e) {
                throw new UserException("model refused: " + e.getMessage() + " (" + modelFile + ")");
            }
        }
        List<Tick> ticks = TickFiles.read(data, err).ticks();
        Map<String, Long> from = BacktestCommand.holdoutStarts(ticks, holdout);
        ForecastSettings settings = ForecastSettings.DEFAULTS
                .withGuard(guard ? GuardSettings.DEFAULTS : GuardSettings.OFF)
                .withIntervals(calibrated);
        err.println("evaluating " + (model == null ? "the naive forecast" : model.describe()) + " on " + ticks.size()
                + " ticks (calibrated intervals)...");
        ForecastEvaluation.Result result = ForecastEvaluation.run(model, ticks, settings, from);
        err.println("... and with the rolling-RMS intervals as they were, uncalibrated");
        ForecastEvaluation.Result fixed = ForecastEvaluation.run(
                model, ticks, settings.withIntervals(new IntervalSettings(calibrated.levels(), FIXED)), from);
        VolatilityBaselines.Summary volatility = VolatilityBaselines.score(result.returns(), result.heldOutFrom());

        out.printf(
                "%s, %d symbols, held-out %.0f%% of each (%d ticks refused as the job refuses them)%n",
                model == null ? "naive" : model.describe(), result.returns().size(), holdout * 100, result.refused());
        out.println("log-price units; skill = 1 - MSE/MSE_naive; MASE = MAE / the naive one-tick MAE");
        out.printf("%8s %9s %8s %10s %10s %7s", "horizon", "evals", "skill", "MAE", "RMSE", "MASE");
        for (double p : calibrated.levels()) {
            out.printf(" | %3.0f%% cover  width     winkler  (rolling RMS: cover winkler)", p * 100);
        }
        out.println();
        double oneTick = result.overall()[0].naiveMae();
        for (int k = 0; k < result.horizons().length; k++) {
            HorizonScore s = result.overall()[k];
            HorizonScore b = fixed.overall()[k];
            out.printf(
                    "%8d %9d %8.4f %10.3e %10.3e %7.3f",
                    s.horizon(), s.count(), s.skill(), s.mae(), s.rmse(), s.mase(oneTick));
            for (int l = 0; l < calibrated.levels().size(); l++) {
                out.printf(
                        " | %10.4f %9.3e %9.3e  (%6.4f %9.3e)",
                        s.coverage(l), s.meanWidth(l), s.winkler(l), b.coverage(l), b.winkler(l));
            }
            out.println();
        }
        out.printf(
                "one-tick volatility, Gaussian NLL per return (lower is better) over %d returns: rolling RMS %.4f,"
                        + " GARCH(1,1) %.4f; GARCH(1,1) better on %d of %d symbols%n",
                volatility.returns(),
                volatility.rollingRmsNll(),
                volatility.garchNll(),
                volatility.garchBetter(),
                volatility.symbols());
        if (json != null) {
            writeJson(result, fixed, volatility);
            out.println("wrote " + json);
        }
        return 0;
    }

    private void writeJson(
            ForecastEvaluation.Result result, ForecastEvaluation.Result fixed, VolatilityBaselines.Summary volatility)
            throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", modelFile == null ? null : modelFile.toString());
        root.put("data", data.toString());
        root.put("holdout", holdout);
        double oneTick = result.overall()[0].naiveMae();
        root.put("horizons", maps(result.overall(), oneTick));
        root.put("rolling_rms_intervals", maps(fixed.overall(), fixed.overall()[0].naiveMae()));
        root.put("volatility", volatility);
        Map<String, Object> symbols = new LinkedHashMap<>();
        result.perSymbol().forEach((symbol, scores) -> symbols.put(symbol, maps(scores, scores[0].naiveMae())));
        root.put("symbols", symbols);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), root);
    }

    private static List<Map<String, Object>> maps(HorizonScore[] scores, double oneTick) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (HorizonScore s : scores) {
            list.add(s.toMap(oneTick));
        }
        return list;
    }
}
