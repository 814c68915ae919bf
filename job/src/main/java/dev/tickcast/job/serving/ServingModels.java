package dev.tickcast.job.serving;

import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.file.ModelRejectedException.Check;
import dev.tickcast.model.file.ModelSigning;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelRole;
import dev.tickcast.schema.ModelUpdate;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of the models one forecast operator holds, and which of them serves a tick. What it holds lives in
 * (checkpointed) broadcast state, so that after a restart the job serves the same version at once; this object keeps
 * what is derived from it: the candidates in version order, the pin, and each candidate's verified runtime model.
 *
 * <p>One instance per model line the job serves ({@link ServedLines} routes each symbol to one). The candidates are the
 * line's initial models (from {@code --model}) and the last {@link #HISTORY} of its models accepted from the models
 * topic (under "&lt;line&gt;#v&lt;version&gt;"); its control entries are under "&lt;line&gt;#..." too, so the lines
 * share the two broadcast states.
 * A tick is served by the pinned version if a rollback pinned one ({@link #PINNED}); otherwise by the highest version
 * whose {@code effective_time} is unset or not after the tick's event time. Before any, forecasts are naive.
 *
 * <p>Admission: a model must be of the served line, newer than every candidate but by at most the version step,
 * verify, and (with trusted keys) be signed; a control must be of the served line, (with trusted keys) signed, and
 * issued after the last control applied ({@link #LAST_CONTROL}), so an old one cannot be replayed. A model is verified
 * once: when admitted, or (initial models, and models restored from a checkpoint) when it first serves.
 *
 * <p>Champion and challenger: a model published with role CHALLENGER is held like the others but does not serve; it
 * runs in shadow from its effective time ({@link #challenger}) until a decision: PROMOTE (it serves from the
 * decision's effective time on, as the highest version) or RETIRE (it stops and never serves). A champion admitted
 * while a challenger is open retires it. At most one challenger is open at a time. Decisions are kept in the control
 * state ({@link #PROMOTED}, {@link #RETIRED}), so a restored job resumes the challenge where it stood.
 *
 * <p>Every parallel instance applies the same records in the same order, so all agree.
 */
public final class ServingModels {

    private static final Logger LOG = LoggerFactory.getLogger(ServingModels.class);

    static final int HISTORY = 8;
    static final String PINNED = "pinned";
    /** Control state: issued_at (epoch ms) of the last control applied. */
    static final String LAST_CONTROL = "last-control-issued-at";
    /** The latest event time: what serves "from now on". A challenger not promoted serves from Long.MAX_VALUE, never. */
    private static final long LATEST = Long.MAX_VALUE - 1;

    /** Control state, + version: the event time (epoch ms) from which a promoted challenger serves. */
    static final String PROMOTED = "promoted-from:v";
    /** Control state, + version: when the challenger was retired (issued_at of the decision, epoch ms). */
    static final String RETIRED = "retired-at:v";

    private final List<ModelUpdate> initial;
    private final ModelAdmission admission;
    /** Keys of this line's entries in the shared broadcast states start with it (a line's name has no '#'). */
    private final String prefix;

    private final Map<String, PublicKey> trusted;
    /** Runtime models of the candidates, by version; the entry's update tells whether it is still the one held. */
    private final Map<Long, Verified> verified = new HashMap<>();
    /** Highest version first; null until read from broadcast state (first tick, after a restore or a change). */
    private List<ModelUpdate> candidates;
    /** Per candidate, the event time from which it may serve (Long.MAX_VALUE: a challenger not promoted). */
    private long[] serveFrom;
    /**
     * The challengers that run in shadow over some event times, newest first: the open one, and promoted ones until
     * their promotion is effective. Usually one; two while a new challenger is published before a promotion is due.
     */
    private List<Shadow> shadows = List.of();

    private volatile long challengerVersion;

    /** A challenger running in shadow for ticks at event times in [from, until), and its runtime model once known. */
    private static final class Shadow {
        final ModelUpdate update;
        final long from;
        final long until;
        /** Whether a decision was made: it runs on until its promotion, but its evidence is no longer wanted. */
        final boolean decided;

        Model model;

        Shadow(ModelUpdate update, long from, long until, boolean decided, Model model) {
            this.update = update;
            this.from = from;
            this.until = until;
            this.decided = decided;
            this.model = model;
        }
    }

    /** Whether the challenger the last {@link #challenger} call returned is still undecided, so its evidence counts. */
    private boolean scored;

    private Long pinned;
    /** Versions held that fail today's verification, set aside (see {@link #serving}). */
    private final Set<Long> unservable = new HashSet<>();
    /** The candidate that served the last tick and its runtime model. */
    private ModelUpdate lastUpdate;

    private Model lastModel;
    private volatile long servingVersion;

    private record Verified(ModelUpdate update, Model model) {}

    /** @param initial the {@code --model} files' models, served from their effective times */
    public ServingModels(List<ModelUpdate> initial, ModelAdmission admission) throws IOException {
        this.initial = initial.stream()
                .filter(m -> m.getModelName().equals(admission.line()))
                .toList();
        this.admission = admission;
        this.trusted = admission.keysById();
        this.prefix = admission.line() + "#";
    }

    /**
     * The runtime model serving a tick at {@code eventTimeMs}, or null (naive forecasts). A held model that fails
     * today's verification (admitted by an older build with laxer checks, and restored from its checkpoint) is set
     * aside with a warning, and the one before it serves: one such model must not stop the job.
     */
    public Model serving(
            ReadOnlyBroadcastState<String, ModelUpdate> models,
            ReadOnlyBroadcastState<String, Long> control,
            long eventTimeMs)
            throws Exception {
        if (candidates == null) {
            refresh(models, control);
        }
        while (true) {
            ModelUpdate update = select(candidates, serveFrom, pinned, eventTimeMs);
            if (update == lastUpdate) { // per tick, almost always: no lookup, no boxing
                return lastModel;
            }
            if (update == null) {
                lastUpdate = null;
                lastModel = null;
                return null;
            }
            Verified v = verified.get(update.getVersion());
            if (v == null || v.update() != update) {
                try {
                    v = new Verified(update, Model.verify(update));
                } catch (ModelRejectedException e) {
                    LOG.warn(
                            "model {} v{} held in state fails verification ({}); it is set aside and the model before"
                                    + " it serves. Publish a corrected model with a higher version.",
                            update.getModelName(),
                            update.getVersion(),
                            e.getMessage());
                    setAside(update);
                    continue;
                }
                verified.put(update.getVersion(), v);
            }
            lastUpdate = update;
            lastModel = v.model();
            servingVersion = update.getVersion();
            return lastModel;
        }
    }

    /**
     * The challenger running in shadow at {@code eventTimeMs}, or null: the open challenger from its effective time, and
     * a promoted one until its promotion is effective (so that its shadow state is there to take over). Call after
     * {@link #serving} for the same tick.
     */
    public Model challenger(long eventTimeMs) {
        for (Shadow shadow : shadows) { // newest first: a newer challenger takes the shadow over
            if (eventTimeMs < shadow.from || eventTimeMs >= shadow.until) {
                continue;
            }
            if (shadow.model == null) {
                try {
                    shadow.model = Model.verify(shadow.update);
                } catch (ModelRejectedException e) {
                    LOG.warn(
                            "challenger {} v{} held in state fails verification ({}); it is set aside",
                            shadow.update.getModelName(),
                            shadow.update.getVersion(),
                            e.getMessage());
                    setAside(shadow.update);
                    return challenger(eventTimeMs);
                }
            }
            scored = !shadow.decided;
            return shadow.model;
        }
        return null;
    }

    /**
     * Whether the challenger of the last {@link #challenger} call is being scored: not once it is decided (a promoted
     * one runs on until its promotion is effective), so that a replay's referee has nothing to decide again.
     */
    public boolean challengerScored() {
        return scored;
    }

    /** The operator's gauge: the challenger's version while one is open or its promotion pending, else 0. */
    public long challengerVersion() {
        return challengerVersion;
    }

    private void setAside(ModelUpdate update) {
        unservable.add(update.getVersion());
        int i = candidates.indexOf(update);
        if (i >= 0) {
            candidates.remove(i);
            long[] rest = new long[serveFrom.length - 1];
            System.arraycopy(serveFrom, 0, rest, 0, i);
            System.arraycopy(serveFrom, i + 1, rest, i, rest.length - i);
            serveFrom = rest;
        }
        shadows = shadows.stream().filter(sh -> sh.update != update).toList();
        challengerVersion = shadows.isEmpty() ? 0 : shadows.get(0).update.getVersion();
    }

    /**
     * The operator's gauge: the version of the model that served the latest tick, or after a change of what is held,
     * the one that serves from then on (the pin, else the newest held); 0 for none.
     */
    public long servingVersion() {
        return servingVersion;
    }

    /**
     * Accepts a model if it passes {@link ModelAdmission#admit} and is newer than every candidate.
     *
     * @return applied, unchanged (the newest model delivered again), or refused and why
     */
    public ModelVerdict accept(
            ModelUpdate update, BroadcastState<String, ModelUpdate> models, BroadcastState<String, Long> control)
            throws Exception {
        ModelVerdict verdict = admit(update, models, control);
        refresh(models, control);
        return verdict;
    }

    private ModelVerdict admit(
            ModelUpdate update, BroadcastState<String, ModelUpdate> models, BroadcastState<String, Long> control)
            throws Exception {
        List<ModelUpdate> held = candidates(models);
        if (!held.isEmpty() && ModelAdmission.isResent(update, held.get(0))) {
            return ModelVerdict.UNCHANGED;
        }
        Model model;
        try {
            model = admission.admit(update, held.isEmpty() ? 0 : held.get(0).getVersion(), trusted);
        } catch (ModelRejectedException e) {
            return ModelVerdict.Refused.of(e);
        }
        ModelUpdate open = openChallenger(held, control);
        if (open != null && update.getRole() == ModelRole.CHALLENGER) {
            return ModelVerdict.Refused.of(
                    Check.CHALLENGE,
                    "challenger v" + update.getVersion() + " while challenger v" + open.getVersion()
                            + " is still being scored; one challenger at a time: wait for its decision, or retire"
                            + " it (tickcast model retire " + open.getVersion() + ")");
        }
        if (open != null) {
            LOG.info(
                    "champion v{} of model line {} supersedes challenger v{}, which is retired",
                    update.getVersion(),
                    update.getModelName(),
                    open.getVersion());
            control.put(k(RETIRED + open.getVersion()), update.getCreatedAt().toEpochMilli());
        }
        models.put(key(update.getVersion()), update);
        verified.put(update.getVersion(), new Verified(update, model));
        prune(models, control);
        return ModelVerdict.APPLIED;
    }

    /**
     * Applies a pin or unpin of the served line, signed when keys are trusted, issued after the last control applied; a
     * pin must name a version the job holds.
     *
     * @return applied, or refused and why
     */
    public ModelVerdict apply(
            ModelControl command, BroadcastState<String, ModelUpdate> models, BroadcastState<String, Long> control)
            throws Exception {
        ModelVerdict verdict = check(command, models, control);
        if (verdict == ModelVerdict.APPLIED) {
            switch (command.getAction()) {
                case PIN -> control.put(k(PINNED), command.getVersion());
                case UNPIN -> control.remove(k(PINNED));
                case PROMOTE ->
                    control.put(
                            k(PROMOTED + command.getVersion()),
                            command.getEffectiveTime() == null
                                    ? Long.MIN_VALUE
                                    : command.getEffectiveTime().toEpochMilli());
                case RETIRE ->
                    control.put(
                            k(RETIRED + command.getVersion()),
                            command.getIssuedAt().toEpochMilli());
            }
            if (!ModelAdmission.isDecision(command)) {
                control.put(k(LAST_CONTROL), command.getIssuedAt().toEpochMilli());
            }
        }
        refresh(models, control);
        return verdict;
    }

    private ModelVerdict check(
            ModelControl command, BroadcastState<String, ModelUpdate> models, BroadcastState<String, Long> control)
            throws Exception {
        if (!admission.line().equals(command.getModelName())) {
            return ModelVerdict.Refused.of(
                    Check.LINE,
                    "control of model line '" + command.getModelName() + "' is not for this job (it serves '"
                            + admission.line() + "', --model-line)");
        }
        if (admission.signaturesRequired()) {
            try {
                ModelSigning.verify(command, trusted);
            } catch (ModelRejectedException e) {
                return ModelVerdict.Refused.of(e);
            }
        }
        // A decision is applied once per challenger, whenever issued: its replay changes nothing, and the clock of the
        // task that issued it (the referee's) does not order it against pins issued by hand.
        if (ModelAdmission.isDecision(command)
                && (control.get(k(PROMOTED + command.getVersion())) != null
                        || control.get(k(RETIRED + command.getVersion())) != null)) {
            return ModelVerdict.UNCHANGED; // decided already (by the first decision on the topic, or by hand)
        }
        Long last = control.get(k(LAST_CONTROL));
        if (!ModelAdmission.isDecision(command)
                && last != null
                && command.getIssuedAt().toEpochMilli() <= last) {
            return ModelVerdict.Refused.of(
                    Check.REPLAY,
                    command.getAction() + " issued at " + command.getIssuedAt()
                            + " is not after the last control applied (issued at " + Instant.ofEpochMilli(last)
                            + "); an old control is not applied again (if it is new, check the issuing"
                            + " machine's clock)");
        }
        long version = command.getVersion();
        List<ModelUpdate> all = candidates(models);
        ModelUpdate target =
                all.stream().filter(m -> m.getVersion() == version).findFirst().orElse(null);
        if (command.getAction() == ModelAction.PIN) {
            if (target == null) {
                List<Long> held =
                        all.stream().map(ModelUpdate::getVersion).sorted().toList();
                return ModelVerdict.Refused.of(
                        Check.PIN,
                        "version " + version + " is not held by the job (it holds " + (held.isEmpty() ? "none" : held)
                                + "); publish that model again to pin it");
            }
            if (target.getRole() == ModelRole.CHALLENGER && control.get(k(PROMOTED + version)) == null) {
                return ModelVerdict.Refused.of(
                        Check.PIN,
                        "version " + version + " is a challenger that has not been promoted; promote it instead"
                                + " (tickcast model promote " + version + ")");
            }
        }
        if (ModelAdmission.isDecision(command)) {
            if (target == null || target.getRole() != ModelRole.CHALLENGER) {
                ModelUpdate open = openChallenger(all, control);
                return ModelVerdict.Refused.of(
                        Check.CHALLENGE,
                        command.getAction() + " of version " + version + ", which is not a challenger the job holds"
                                + " (open challenger: " + (open == null ? "none" : "v" + open.getVersion()) + ")");
            }
        }
        return ModelVerdict.APPLIED;
    }

    /** Re-reads what it holds after entries of its line were removed from broadcast state by others. */
    void forget(ReadOnlyBroadcastState<String, ModelUpdate> models, ReadOnlyBroadcastState<String, Long> control)
            throws Exception {
        refresh(models, control);
    }

    /** Re-reads the candidates and the pin from broadcast state, and forgets the runtime models no longer held. */
    private void refresh(
            ReadOnlyBroadcastState<String, ModelUpdate> models, ReadOnlyBroadcastState<String, Long> control)
            throws Exception {
        candidates = candidates(models);
        candidates.removeIf(m -> unservable.contains(m.getVersion()));
        serveFrom = new long[candidates.size()];
        List<Shadow> running = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            ModelUpdate m = candidates.get(i);
            long effective = m.getEffectiveTime() == null
                    ? Long.MIN_VALUE
                    : m.getEffectiveTime().toEpochMilli();
            serveFrom[i] = effective;
            if (m.getRole() == ModelRole.CHALLENGER) {
                Long promoted = control.get(k(PROMOTED + m.getVersion()));
                boolean retired = control.get(k(RETIRED + m.getVersion())) != null;
                serveFrom[i] = promoted == null || retired ? Long.MAX_VALUE : Math.max(effective, promoted);
                if (!retired) {
                    running.add(new Shadow(
                            m,
                            effective,
                            promoted == null ? Long.MAX_VALUE : serveFrom[i],
                            promoted != null,
                            verifiedModel(m)));
                }
            }
        }
        shadows = List.copyOf(running);
        challengerVersion = shadows.isEmpty() ? 0 : shadows.get(0).update.getVersion();
        pinned = control.get(k(PINNED));
        lastUpdate = null;
        lastModel = null;
        verified.values().removeIf(v -> candidates.stream().noneMatch(c -> c == v.update()));
        ModelUpdate next = select(candidates, serveFrom, pinned, LATEST);
        servingVersion = next == null ? 0 : next.getVersion();
    }

    private Model verifiedModel(ModelUpdate update) {
        Verified v = verified.get(update.getVersion());
        return v != null && v.update() == update ? v.model() : null;
    }

    /** The newest held challenger that is neither promoted nor retired, or null. */
    private ModelUpdate openChallenger(List<ModelUpdate> held, ReadOnlyBroadcastState<String, Long> control)
            throws Exception {
        for (ModelUpdate m : held) {
            if (m.getRole() == ModelRole.CHALLENGER
                    && control.get(k(PROMOTED + m.getVersion())) == null
                    && control.get(k(RETIRED + m.getVersion())) == null) {
                return m;
            }
        }
        return null;
    }

    /** This line's initial models and accepted ones, highest version first. */
    private List<ModelUpdate> candidates(ReadOnlyBroadcastState<String, ModelUpdate> models) throws Exception {
        List<ModelUpdate> all = new ArrayList<>(initial);
        for (Map.Entry<String, ModelUpdate> e : models.immutableEntries()) {
            if (e.getKey().startsWith(prefix)) {
                all.add(e.getValue());
            }
        }
        all.sort(Comparator.comparingLong(ModelUpdate::getVersion).reversed());
        return all;
    }

    /**
     * The candidate serving a tick at {@code eventTimeMs}, or null (naive forecasts).
     *
     * @param serveFrom per candidate, the event time from which it may serve
     */
    static ModelUpdate select(List<ModelUpdate> candidates, long[] serveFrom, Long pinned, long eventTimeMs) {
        for (int i = 0; i < candidates.size(); i++) {
            ModelUpdate m = candidates.get(i);
            if (pinned != null) {
                if (m.getVersion() == pinned) {
                    return m;
                }
            } else if (serveFrom[i] <= eventTimeMs) {
                return m;
            }
        }
        return null;
    }

    /**
     * The model of {@code line} that serves from now on given what the broadcast state holds (initial models not
     * counted), or null.
     */
    public static ModelUpdate servingNow(
            String line,
            ReadOnlyBroadcastState<String, ModelUpdate> models,
            ReadOnlyBroadcastState<String, Long> control)
            throws Exception {
        ServingModels view = new ServingModels(List.of(), ModelAdmission.unsigned(line));
        view.refresh(models, control);
        return select(view.candidates, view.serveFrom, view.pinned, LATEST);
    }

    /** The models state's key of this line's version. */
    private String key(long version) {
        return prefix + "v" + version;
    }

    /** The control state's key of this line's entry {@code name}. */
    private String k(String name) {
        return prefix + name;
    }

    /**
     * Moves what a build before routes kept, unscoped ("v3", "pinned", ...: of the one line it served), to its line's
     * keys. The line is the held models' model_name, else {@code line} (the job's --model-line). Every parallel instance
     * restores the same broadcast state and moves it the same way.
     *
     * @return how many entries moved
     */
    public static int moveUnscopedKeys(
            BroadcastState<String, ModelUpdate> models, BroadcastState<String, Long> control, String line)
            throws Exception {
        String owner = line;
        List<String> unscoped = new ArrayList<>();
        for (Map.Entry<String, ModelUpdate> e : models.entries()) {
            if (e.getKey().indexOf('#') < 0) {
                unscoped.add(e.getKey());
                owner = e.getValue().getModelName();
            }
        }
        int moved = 0;
        for (String key : unscoped) {
            ModelUpdate m = models.get(key);
            models.remove(key);
            models.put(m.getModelName() + "#" + key, m);
            moved++;
        }
        List<String> unscopedControls = new ArrayList<>();
        for (Map.Entry<String, Long> e : control.entries()) {
            if (e.getKey().indexOf('#') < 0) {
                unscopedControls.add(e.getKey());
            }
        }
        for (String key : unscopedControls) {
            Long value = control.get(key);
            control.remove(key);
            control.put(owner + "#" + key, value);
            moved++;
        }
        return moved;
    }

    /** Keeps this line's newest HISTORY accepted models, and the pinned one whatever its age. */
    private void prune(BroadcastState<String, ModelUpdate> models, BroadcastState<String, Long> control)
            throws Exception {
        Long pinned = control.get(k(PINNED));
        List<ModelUpdate> held = new ArrayList<>();
        for (Map.Entry<String, ModelUpdate> e : models.entries()) {
            if (e.getKey().startsWith(prefix)) {
                held.add(e.getValue());
            }
        }
        held.sort(Comparator.comparingLong(ModelUpdate::getVersion).reversed());
        int servable = 0;
        for (int i = 0; i < held.size(); i++) {
            ModelUpdate m = held.get(i);
            long v = m.getVersion();
            boolean challenger = m.getRole() == ModelRole.CHALLENGER;
            boolean promoted = control.get(k(PROMOTED + v)) != null;
            boolean retired = control.get(k(RETIRED + v)) != null;
            boolean canServe = !challenger || (promoted && !retired);
            boolean open = challenger && !promoted && !retired;
            // The newest version (the floor for the next one), the pin, the open challenger, and the newest HISTORY
            // models that can serve: a run of losing challengers never pushes the champion out.
            boolean keep = i == 0 || (pinned != null && pinned == v) || open || (canServe && servable < HISTORY);
            servable += canServe ? 1 : 0;
            if (!keep) {
                models.remove(key(v));
                control.remove(k(PROMOTED + v));
                control.remove(k(RETIRED + v));
            }
        }
    }
}
