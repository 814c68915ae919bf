package dev.tickcast.job.serving;

import dev.tickcast.model.data.SymbolRoutes;
import dev.tickcast.model.file.ModelRejectedException.Check;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelRoutes;
import dev.tickcast.schema.ModelUpdate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;

/**
 * The model lines one forecast operator serves: the routes ({@link ModelRouting}) that pick a symbol's line, and per
 * line its {@link ServingModels} (versions, pin, challenger), made when the line is first needed. Records of the models
 * topic go to their line's registry; a model or control of a line no route names is refused.
 */
public final class ServedLines {

    private final List<ModelUpdate> initial;
    private final ModelAdmission admission;
    private final ModelRouting routing;
    private final Map<String, ServingModels> lines = new LinkedHashMap<>();
    private final BiConsumer<String, ServingModels> onNewLine;

    /**
     * @param admission the rules every line's models are admitted by ({@link ModelAdmission#forLine})
     * @param onNewLine told of each line's registry when it is made (the operator registers the line's gauges)
     */
    public ServedLines(
            List<ModelUpdate> initial,
            ModelAdmission admission,
            SymbolRoutes routes,
            BiConsumer<String, ServingModels> onNewLine)
            throws IOException {
        this.initial = List.copyOf(initial);
        this.admission = admission;
        this.routing = new ModelRouting(routes, admission.signaturesRequired(), admission.keysById());
        this.onNewLine = onNewLine;
    }

    /** The registry of the line serving {@code symbol}'s tick at {@code eventTimeMs}, or null: no route matches. */
    public ServingModels of(String symbol, long eventTimeMs, ReadOnlyBroadcastState<String, ModelRoutes> routes)
            throws Exception {
        String line = routing.lineOf(symbol, eventTimeMs, routes);
        return line == null ? null : line(line);
    }

    /** The registry of {@code line}, made if it is new. */
    public ServingModels line(String line) {
        ServingModels serving = lines.get(line);
        if (serving == null) {
            try {
                serving = new ServingModels(initial, admission.forLine(line));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the trusted keys", e);
            }
            lines.put(line, serving);
            onNewLine.accept(line, serving);
        }
        return serving;
    }

    /** A model for its line, if a route names the line. */
    public ModelVerdict accept(
            ModelUpdate update,
            BroadcastState<String, ModelUpdate> models,
            BroadcastState<String, Long> control,
            ReadOnlyBroadcastState<String, ModelRoutes> routes)
            throws Exception {
        ModelVerdict notRouted = notRouted("model", update.getModelName(), routes);
        return notRouted != null ? notRouted : line(update.getModelName()).accept(update, models, control);
    }

    /** A control for its line, if a route names the line. */
    public ModelVerdict apply(
            ModelControl command,
            BroadcastState<String, ModelUpdate> models,
            BroadcastState<String, Long> control,
            ReadOnlyBroadcastState<String, ModelRoutes> routes)
            throws Exception {
        ModelVerdict notRouted = notRouted("control", command.getModelName(), routes);
        return notRouted != null ? notRouted : line(command.getModelName()).apply(command, models, control);
    }

    /** New routes, from their effective time on. */
    public ModelVerdict route(
            ModelRoutes record,
            BroadcastState<String, ModelUpdate> models,
            BroadcastState<String, Long> control,
            BroadcastState<String, ModelRoutes> routes)
            throws Exception {
        ModelVerdict verdict = routing.apply(record, routes, control);
        if (verdict == ModelVerdict.APPLIED) {
            dropUnrouted(models, control, routing.lines(routes));
        }
        return verdict;
    }

    /**
     * Forgets the lines no route names any more (their models, pins, decisions), so that what every subtask holds is
     * bounded by the lines routed, not by every line ever routed. The same records reach every subtask in the same
     * order, so all drop the same.
     */
    private void dropUnrouted(
            BroadcastState<String, ModelUpdate> models, BroadcastState<String, Long> control, Set<String> routed)
            throws Exception {
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, ModelUpdate> e : models.entries()) {
            if (!routed.contains(lineOfKey(e.getKey()))) {
                stale.add(e.getKey());
            }
        }
        for (String key : stale) {
            models.remove(key);
        }
        stale.clear();
        for (Map.Entry<String, Long> e : control.entries()) {
            String line = lineOfKey(e.getKey());
            if (!line.isEmpty() && !routed.contains(line)) { // keys starting with '#' are the job's own
                stale.add(e.getKey());
            }
        }
        for (String key : stale) {
            control.remove(key);
        }
        // The --model-line's registry stays: the operator's top-level gauges read it.
        lines.keySet().removeIf(line -> !routed.contains(line) && !line.equals(admission.line()));
        for (Map.Entry<String, ServingModels> e : lines.entrySet()) {
            e.getValue().forget(models, control);
        }
    }

    private static String lineOfKey(String key) {
        int hash = key.indexOf('#');
        return hash < 0 ? key : key.substring(0, hash);
    }

    /** The routes from now on, as {@code --model-routes} writes them. */
    public String currentRoutes(ReadOnlyBroadcastState<String, ModelRoutes> routes) throws Exception {
        return routing.current(routes);
    }

    /** Whether a route names {@code line}. */
    public boolean isRouted(String line, ReadOnlyBroadcastState<String, ModelRoutes> routes) throws Exception {
        return routing.lines(routes).contains(line);
    }

    private ModelVerdict notRouted(String what, String line, ReadOnlyBroadcastState<String, ModelRoutes> routes)
            throws Exception {
        Set<String> routed = routing.lines(routes);
        if (routed.contains(line)) {
            return null;
        }
        return ModelVerdict.Refused.of(
                Check.LINE,
                what + " of model line '" + line + "', which this job routes no symbols to (it serves " + routed
                        + ", routes " + routing.current(routes) + "); route symbols to it first ('tickcast model"
                        + " routes', or --model-routes), then publish it again");
    }
}
