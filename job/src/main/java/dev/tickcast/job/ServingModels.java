package dev.tickcast.job;

import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.file.ModelRejectedException.Check;
import dev.tickcast.model.file.ModelSigning;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelUpdate;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;

/**
 * Which model serves a tick, decided from (checkpointed) broadcast state so that after a restart the job
 * serves the same version at once.
 *
 * <p>The candidates are the job's initial models (from {@code --model}) and the last {@link #HISTORY}
 * models accepted from the models topic (under "v&lt;version&gt;"), all of the one model line the job serves
 * ({@link ModelAdmission}). A tick is served by the pinned version if a rollback pinned one ({@link #PINNED});
 * otherwise by the highest version whose {@code effective_time} is unset or not after the tick's event time.
 * Before any, forecasts are naive.
 *
 * <p>Admission: a model must be of the served line, newer than every candidate but by at most the version
 * step, verify, and (with trusted keys) be signed; a control must be of the served line, (with trusted keys)
 * signed, and issued after the last control applied ({@link #LAST_CONTROL}), so an old one cannot be replayed.
 *
 * <p>Every parallel instance applies the same records in the same order, so all agree.
 */
final class ServingModels {

    static final int HISTORY = 8;
    static final String PINNED = "pinned";
    /** Control state: issued_at (epoch ms) of the last control applied. */
    static final String LAST_CONTROL = "last-control-issued-at";

    private ServingModels() {}

    /** Initial models and accepted ones, highest version first. */
    static List<ModelUpdate> candidates(ReadOnlyBroadcastState<String, ModelUpdate> models, List<ModelUpdate> initial)
            throws Exception {
        List<ModelUpdate> all = new ArrayList<>(initial);
        for (Map.Entry<String, ModelUpdate> e : models.immutableEntries()) {
            all.add(e.getValue());
        }
        all.sort(Comparator.comparingLong(ModelUpdate::getVersion).reversed());
        return all;
    }

    /** The model serving a tick at {@code eventTimeMs}, or null (naive forecasts). */
    static ModelUpdate serving(List<ModelUpdate> candidates, Long pinned, long eventTimeMs) {
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

    static long newest(List<ModelUpdate> candidates) {
        return candidates.isEmpty() ? 0 : candidates.get(0).getVersion();
    }

    /**
     * Accepts a model if it passes {@link ModelAdmission#admit} and is newer than every candidate.
     *
     * @return applied, unchanged (the newest model delivered again), or refused and why
     */
    static ModelVerdict accept(
            ModelUpdate update,
            BroadcastState<String, ModelUpdate> models,
            BroadcastState<String, Long> control,
            List<ModelUpdate> initial,
            ModelAdmission admission,
            Map<String, PublicKey> trusted)
            throws Exception {
        List<ModelUpdate> candidates = candidates(models, initial);
        long newest = newest(candidates);
        if (!candidates.isEmpty() && ModelAdmission.isResent(update, candidates.get(0))) {
            return ModelVerdict.UNCHANGED;
        }
        try {
            admission.admit(update, newest, trusted);
        } catch (ModelRejectedException e) {
            return ModelVerdict.Refused.of(e);
        }
        models.put(key(update.getVersion()), update);
        prune(models, control.get(PINNED));
        return ModelVerdict.APPLIED;
    }

    /**
     * Applies a pin or unpin of the served line, signed when keys are trusted, issued after the last control applied; a
     * pin must name a version the job holds.
     *
     * @return applied, or refused and why
     */
    static ModelVerdict apply(
            ModelControl command,
            BroadcastState<String, ModelUpdate> models,
            BroadcastState<String, Long> control,
            List<ModelUpdate> initial,
            ModelAdmission admission,
            Map<String, PublicKey> trusted)
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
        long issuedAt = command.getIssuedAt().toEpochMilli();
        Long last = control.get(LAST_CONTROL);
        if (last != null && issuedAt <= last) {
            return ModelVerdict.Refused.of(
                    Check.REPLAY,
                    command.getAction() + " issued at " + command.getIssuedAt()
                            + " is not after the last control applied (issued at " + Instant.ofEpochMilli(last)
                            + "); an old control is not applied again");
        }
        if (command.getAction() == ModelAction.UNPIN) {
            control.remove(PINNED);
        } else {
            long version = command.getVersion();
            List<ModelUpdate> candidates = candidates(models, initial);
            if (candidates.stream().noneMatch(m -> m.getVersion() == version)) {
                return ModelVerdict.Refused.of(
                        Check.PIN,
                        "version " + version + " is not held by the job (it holds "
                                + (candidates.isEmpty()
                                        ? "none"
                                        : candidates.stream()
                                                .map(ModelUpdate::getVersion)
                                                .sorted()
                                                .toList())
                                + "); publish that model again to pin it");
            }
            control.put(PINNED, version);
        }
        control.put(LAST_CONTROL, issuedAt);
        return ModelVerdict.APPLIED;
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
