package dev.tickcast.job;

import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.file.ModelSigning;
import java.security.PublicKey;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelUpdate;
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
 * models accepted from the models topic (under "v&lt;version&gt;"). A tick is served by the pinned
 * version if a rollback pinned one ({@link #PINNED}); otherwise by the highest version whose
 * {@code effective_time} is unset or not after the tick's event time. Before any, forecasts are naive.
 *
 * <p>Every parallel instance applies the same records in the same order, so all agree.
 */
final class ServingModels {

    static final int HISTORY = 8;
    static final String PINNED = "pinned";

    private ServingModels() {}

    /** Initial models and accepted ones, highest version first. */
    static List<ModelUpdate> candidates(ReadOnlyBroadcastState<String, ModelUpdate> models, List<ModelUpdate> initial) throws Exception {
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
     * Accepts a model if it verifies (and, when keys are trusted, is signed by one of them) and is newer than every candidate.
     *
     * @return null if accepted or the newest model delivered again, else why it was refused
     */
    static String accept(ModelUpdate update, BroadcastState<String, ModelUpdate> models, BroadcastState<String, Long> control,
            List<ModelUpdate> initial, Map<String, PublicKey> trusted) throws Exception {
        try {
            Model.verify(update);
            if (!trusted.isEmpty()) {
                ModelSigning.verify(update, trusted);
            }
        } catch (ModelRejectedException e) {
            return e.getMessage();
        }
        List<ModelUpdate> candidates = candidates(models, initial);
        long newest = newest(candidates);
        if (!candidates.isEmpty() && candidates.get(0).getVersion() == update.getVersion()
                && candidates.get(0).getWeightsSha256().equals(update.getWeightsSha256())) {
            return null; // the newest model delivered again (e.g. --model and the topic both have it): nothing changes
        }
        if (update.getVersion() <= newest) {
            return ModelRejectedException.Check.VERSION + ": version " + update.getVersion() + " is not newer than the newest accepted version "
                    + newest;
        }
        models.put(key(update.getVersion()), update);
        prune(models, control.get(PINNED));
        return null;
    }

    /** Applies a pin or unpin; a pin must name a version the job holds. */
    static String apply(ModelControl command, BroadcastState<String, ModelUpdate> models, BroadcastState<String, Long> control,
            List<ModelUpdate> initial) throws Exception {
        if (command.getAction() == ModelAction.UNPIN) {
            control.remove(PINNED);
            return null;
        }
        long version = command.getVersion();
        List<ModelUpdate> candidates = candidates(models, initial);
        if (candidates.stream().noneMatch(m -> m.getVersion() == version)) {
            return "PIN: version " + version + " is not held by the job (it holds "
                    + (candidates.isEmpty() ? "none" : candidates.stream().map(ModelUpdate::getVersion).sorted().toList())
                    + "); publish that model again to pin it";
        }
        control.put(PINNED, version);
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
