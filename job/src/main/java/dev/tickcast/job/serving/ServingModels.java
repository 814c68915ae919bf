package dev.tickcast.job.serving;

import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.file.ModelRejectedException.Check;
import dev.tickcast.model.file.ModelSigning;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
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
 * <p>The candidates are the job's initial models (from {@code --model}) and the last {@link #HISTORY} models accepted
 * from the models topic (under "v&lt;version&gt;"), all of the one model line the job serves ({@link ModelAdmission}).
 * A tick is served by the pinned version if a rollback pinned one ({@link #PINNED}); otherwise by the highest version
 * whose {@code effective_time} is unset or not after the tick's event time. Before any, forecasts are naive.
 *
 * <p>Admission: a model must be of the served line, newer than every candidate but by at most the version step,
 * verify, and (with trusted keys) be signed; a control must be of the served line, (with trusted keys) signed, and
 * issued after the last control applied ({@link #LAST_CONTROL}), so an old one cannot be replayed. A model is verified
 * once: when admitted, or (initial models, and models restored from a checkpoint) when it first serves.
 *
 * <p>Every parallel instance applies the same records in the same order, so all agree.
 */
public final class ServingModels {

    private static final Logger LOG = LoggerFactory.getLogger(ServingModels.class);

    static final int HISTORY = 8;
    public static final String PINNED = "pinned";
    /** Control state: issued_at (epoch ms) of the last control applied. */
    static final String LAST_CONTROL = "last-control-issued-at";

    private final List<ModelUpdate> initial;
    private final ModelAdmission admission;
    private final Map<String, PublicKey> trusted;
    /** Runtime models of the candidates, by version; the entry's update tells whether it is still the one held. */
    private final Map<Long, Verified> verified = new HashMap<>();
    /** Highest version first; null until read from broadcast state (first tick, after a restore or a change). */
    private List<ModelUpdate> candidates;

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
        this.initial = List.copyOf(initial);
        this.admission = admission;
        this.trusted = admission.keysById();
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
            ModelUpdate update = select(candidates, pinned, eventTimeMs);
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
                    unservable.add(update.getVersion());
                    candidates.remove(update);
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
        List<ModelUpdate> held = candidates(models, initial);
        if (!held.isEmpty() && ModelAdmission.isResent(update, held.get(0))) {
            return ModelVerdict.UNCHANGED;
        }
        Model model;
        try {
            model = admission.admit(update, held.isEmpty() ? 0 : held.get(0).getVersion(), trusted);
        } catch (ModelRejectedException e) {
            return ModelVerdict.Refused.of(e);
        }
        models.put(key(update.getVersion()), update);
        verified.put(update.getVersion(), new Verified(update, model));
        prune(models, control.get(PINNED));
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
            if (command.getAction() == ModelAction.UNPIN) {
                control.remove(PINNED);
            } else {
                control.put(PINNED, command.getVersion());
            }
            control.put(LAST_CONTROL, command.getIssuedAt().toEpochMilli());
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
        Long last = control.get(LAST_CONTROL);
        if (last != null && command.getIssuedAt().toEpochMilli() <= last) {
            return ModelVerdict.Refused.of(
                    Check.REPLAY,
                    command.getAction() + " issued at " + command.getIssuedAt()
                            + " is not after the last control applied (issued at " + Instant.ofEpochMilli(last)
                            + "); an old control is not applied again");
        }
        if (command.getAction() == ModelAction.PIN) {
            long version = command.getVersion();
            List<Long> held = candidates(models, initial).stream()
                    .map(ModelUpdate::getVersion)
                    .sorted()
                    .toList();
            if (!held.contains(version)) {
                return ModelVerdict.Refused.of(
                        Check.PIN,
                        "version " + version + " is not held by the job (it holds " + (held.isEmpty() ? "none" : held)
                                + "); publish that model again to pin it");
            }
        }
        return ModelVerdict.APPLIED;
    }

    /** Re-reads the candidates and the pin from broadcast state, and forgets the runtime models no longer held. */
    private void refresh(
            ReadOnlyBroadcastState<String, ModelUpdate> models, ReadOnlyBroadcastState<String, Long> control)
            throws Exception {
        candidates = candidates(models, initial);
        candidates.removeIf(m -> unservable.contains(m.getVersion()));
        pinned = control.get(PINNED);
        lastUpdate = null;
        lastModel = null;
        verified.values().removeIf(v -> candidates.stream().noneMatch(c -> c == v.update()));
        ModelUpdate next = select(candidates, pinned, Long.MAX_VALUE);
        servingVersion = next == null ? 0 : next.getVersion();
    }

    /** Initial models and accepted ones, highest version first. */
    public static List<ModelUpdate> candidates(
            ReadOnlyBroadcastState<String, ModelUpdate> models, List<ModelUpdate> initial) throws Exception {
        List<ModelUpdate> all = new ArrayList<>(initial);
        for (Map.Entry<String, ModelUpdate> e : models.immutableEntries()) {
            all.add(e.getValue());
        }
        all.sort(Comparator.comparingLong(ModelUpdate::getVersion).reversed());
        return all;
    }

    /** The candidate serving a tick at {@code eventTimeMs}, or null (naive forecasts). */
    public static ModelUpdate select(List<ModelUpdate> candidates, Long pinned, long eventTimeMs) {
        for (ModelUpdate m : candidates) {
            if (pinned != null) {
                if (m.getVersion() == pinned) {
                    return m;
                }
            } else if (m.getEffectiveTime() == null || m.getEffectiveTime().toEpochMilli() <= eventTimeMs) {
                return m;
            }
        }
        return null;
    }

    static String key(long version) {
        return "v" + version;
    }

    /** Keeps the newest HISTORY accepted models, and the pinned one whatever its age. */
    private static void prune(BroadcastState<String, ModelUpdate> models, Long pinned) throws Exception {
        List<Long> versions = new ArrayList<>();
        for (Map.Entry<String, ModelUpdate> e : models.entries()) {
            versions.add(e.getValue().getVersion());
        }
        versions.sort(Comparator.reverseOrder());
        for (int i = HISTORY; i < versions.size(); i++) {
            if (pinned == null || pinned.longValue() != versions.get(i)) {
                models.remove(key(versions.get(i)));
            }
        }
    }
}
