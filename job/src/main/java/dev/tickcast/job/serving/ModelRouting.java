package dev.tickcast.job.serving;

import dev.tickcast.model.data.SymbolRoutes;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.file.ModelRejectedException.Check;
import dev.tickcast.model.file.ModelSigning;
import dev.tickcast.schema.ModelRoutes;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which model line serves a symbol's tick: the job's routes ({@code --model-routes}) until a routes record from the
 * models topic replaces them from its effective time on (its issue time if it has none). The records applied are kept
 * in (checkpointed) broadcast state, the newest {@link #HISTORY} and, once older ones are dropped, the newest dropped
 * one as the routes of every earlier tick; a tick is routed by the newest routes effective at its event time, so a
 * restored job routes as before, and a replay of the same feed as the live job did.
 *
 * <p>Admission of a routes record: readable ({@link SymbolRoutes#of}), signed when keys are trusted, issued after the
 * last routes applied (an old record is not applied again), effective no earlier than the routes before it (ticks
 * already routed stay so), and not routing to more than {@link #MAX_LINES} lines in all.
 */
public final class ModelRouting {

    /**
     * Routes records kept, beside the newest dropped one (the routes before them): a lagging symbol's ticks before the
     * newest one's effective time need the ones before.
     */
    static final int HISTORY = 4;
    /** Model lines a job serves at most: each holds its models in broadcast state on every subtask. */
    public static final int MAX_LINES = 16;
    /** Control state: issued_at (epoch ms) of the last routes applied. Starts with '#', which no line's name has. */
    static final String LAST_ROUTES = "#routes-last-issued-at";

    private static final String KEY_PREFIX = "routes@";
    private static final Logger LOG = LoggerFactory.getLogger(ModelRouting.class);

    private final SymbolRoutes initial;
    private final boolean signaturesRequired;
    private final Map<String, PublicKey> trusted;

    /** Newest-issued first, with the event time from which each applies; null until read from broadcast state. */
    private List<SymbolRoutes> tables;

    private long[] from;

    public ModelRouting(SymbolRoutes initial, boolean signaturesRequired, Map<String, PublicKey> trusted) {
        this.initial = initial;
        this.signaturesRequired = signaturesRequired;
        this.trusted = Map.copyOf(trusted);
    }

    /** The line serving {@code symbol}'s tick at {@code eventTimeMs}, or null: no route matches it. */
    public String lineOf(String symbol, long eventTimeMs, ReadOnlyBroadcastState<String, ModelRoutes> held)
            throws Exception {
        if (tables == null) {
            refresh(held);
        }
        for (int i = 0; i < tables.size(); i++) {
            if (from[i] <= eventTimeMs) {
                return tables.get(i).lineOf(symbol);
            }
        }
        return initial.lineOf(symbol);
    }

    /** Every line routed to, by the job's routes or by one held: models of other lines are refused. */
    public Set<String> lines(ReadOnlyBroadcastState<String, ModelRoutes> held) throws Exception {
        if (tables == null) {
            refresh(held);
        }
        return lines(tables);
    }

    private Set<String> lines(List<SymbolRoutes> held) {
        Set<String> lines = new LinkedHashSet<>(initial.lines());
        for (SymbolRoutes table : held) {
            lines.addAll(table.lines());
        }
        return lines;
    }

    /** The routes that apply from now on, as {@code --model-routes} writes them. */
    public String current(ReadOnlyBroadcastState<String, ModelRoutes> held) throws Exception {
        if (tables == null) {
            refresh(held);
        }
        return tables.isEmpty() ? initial.toString() : tables.get(0).toString();
    }

    /**
     * Applies a routes record if it passes the checks.
     *
     * @return applied, or refused and why
     */
    public ModelVerdict apply(
            ModelRoutes record, BroadcastState<String, ModelRoutes> held, BroadcastState<String, Long> control)
            throws Exception {
        ModelVerdict verdict = check(record, held, control);
        if (verdict == ModelVerdict.APPLIED) {
            long issued = record.getIssuedAt().toEpochMilli();
            held.put(KEY_PREFIX + issued, record);
            control.put(LAST_ROUTES, issued);
            prune(held);
        }
        refresh(held);
        return verdict;
    }

    private ModelVerdict check(
            ModelRoutes record,
            ReadOnlyBroadcastState<String, ModelRoutes> held,
            ReadOnlyBroadcastState<String, Long> control)
            throws Exception {
        SymbolRoutes routes;
        try {
            routes = SymbolRoutes.of(record.getRoutes());
        } catch (IllegalArgumentException e) {
            return ModelVerdict.Refused.of(Check.ROUTES, "routes refused: " + e.getMessage());
        }
        if (signaturesRequired) {
            try {
                ModelSigning.verify(record, trusted);
            } catch (ModelRejectedException e) {
                return ModelVerdict.Refused.of(e);
            }
        }
        Long last = control.get(LAST_ROUTES);
        if (last != null && record.getIssuedAt().toEpochMilli() <= last) {
            return ModelVerdict.Refused.of(
                    Check.REPLAY,
                    "routes issued at " + record.getIssuedAt() + " are not after the last routes applied (issued at "
                            + Instant.ofEpochMilli(last) + "); old routes are not applied again (if they are new,"
                            + " check the issuing machine's clock)");
        }
        List<ModelRoutes> before = records(held);
        if (!before.isEmpty() && effectiveMs(record) < effectiveMs(before.get(0))) {
            return ModelVerdict.Refused.of(
                    Check.ROUTES,
                    "routes effective from " + Instant.ofEpochMilli(effectiveMs(record)) + ", before the routes"
                            + " applied from " + Instant.ofEpochMilli(effectiveMs(before.get(0)))
                            + ": ticks those routed would change line in a replay; give a later --at");
        }
        List<SymbolRoutes> after = new ArrayList<>(readTables(held));
        after.add(0, routes);
        if (after.size() > HISTORY + 1) {
            after = after.subList(0, HISTORY + 1);
        }
        Set<String> lines = lines(after);
        if (lines.size() > MAX_LINES) {
            return ModelVerdict.Refused.of(
                    Check.ROUTES,
                    "routes to " + lines.size() + " model lines with the routes the job keeps (" + lines + "); a job"
                            + " serves at most " + MAX_LINES + ": route fewer groups (the job keeps its"
                            + " --model-routes and the last " + (HISTORY + 1) + " routes records: records naming only"
                            + " the lines you keep age the others out)");
        }
        return ModelVerdict.APPLIED;
    }

    private void refresh(ReadOnlyBroadcastState<String, ModelRoutes> held) throws Exception {
        List<ModelRoutes> records = records(held);
        List<SymbolRoutes> parsed = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ModelRoutes r = records.get(i);
            SymbolRoutes table = parse(r);
            if (table == null) {
                continue;
            }
            parsed.add(table);
            // Past the history, the newest dropped record stands for all before it: the routes of every earlier tick.
            times.add(i == HISTORY ? Long.MIN_VALUE : effectiveMs(r));
        }
        tables = List.copyOf(parsed);
        from = times.stream().mapToLong(Long::longValue).toArray();
    }

    /** A held record's table, or null (with a warning): held records were admitted, but by an older build maybe. */
    private static SymbolRoutes parse(ModelRoutes r) {
        try {
            return SymbolRoutes.of(r.getRoutes());
        } catch (IllegalArgumentException e) {
            LOG.warn(
                    "routes issued at {} held in state are refused by this build ({}); they are skipped",
                    r.getIssuedAt(),
                    e.getMessage());
            return null;
        }
    }

    /** The event time from which a record routes: its effective time, else its issue time. */
    static long effectiveMs(ModelRoutes r) {
        return (r.getEffectiveTime() != null ? r.getEffectiveTime() : r.getIssuedAt()).toEpochMilli();
    }

    private static List<SymbolRoutes> readTables(ReadOnlyBroadcastState<String, ModelRoutes> held) throws Exception {
        List<SymbolRoutes> out = new ArrayList<>();
        for (ModelRoutes r : records(held)) {
            SymbolRoutes table = parse(r);
            if (table != null) {
                out.add(table);
            }
        }
        return out;
    }

    /** The held records, newest-issued first. */
    private static List<ModelRoutes> records(ReadOnlyBroadcastState<String, ModelRoutes> held) throws Exception {
        List<ModelRoutes> out = new ArrayList<>();
        for (Map.Entry<String, ModelRoutes> e : held.immutableEntries()) {
            out.add(e.getValue());
        }
        out.sort(Comparator.comparing(ModelRoutes::getIssuedAt).reversed());
        return out;
    }

    private static void prune(BroadcastState<String, ModelRoutes> held) throws Exception {
        List<ModelRoutes> records = records(held);
        for (int i = HISTORY + 1; i < records.size(); i++) {
            held.remove(KEY_PREFIX + records.get(i).getIssuedAt().toEpochMilli());
        }
    }
}
