package dev.tickcast.job;

import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;

/**
 * Which model serves, kept in (checkpointed) broadcast state so that after a restart the job serves the
 * same version at once: the last {@link #HISTORY} accepted models under "v&lt;version&gt;", the newest
 * accepted version under {@link #LATEST} and, after a rollback, the pinned version under {@link #PINNED}.
 * Serving = the pinned version if pinned, else the newest; before any, the job's initial model (if given).
 *
 * <p>Every parallel instance applies the same records in the same order, so all agree on the serving model.
 */
final class ServingModels {

    static final int HISTORY = 8;
    static final String LATEST = "latest";
    static final String PINNED = "pinned";

    private ServingModels() {}

    /** The serving ModelUpdate, or null (naive forecasts). */
    static ModelUpdate serving(ReadOnlyBroadcastState<String, ModelUpdate> models, ReadOnlyBroadcastState<String, Long> control,
            ModelUpdate initial) throws Exception {
        Long pinned = control.get(PINNED);
        Long latest = control.get(LATEST);
        Long version = pinned != null ? pinned : latest;
        if (version == null) {
            return initial;
        }
        ModelUpdate update = models.get(key(version));
        return update != null ? update : initial;
    }

    /**
     * Accepts a model into the history if it verifies and is newer than every accepted one.
     *
     * @return null if accepted or already known (a re-delivery), else why it was refused
     */
    static String accept(ModelUpdate update, BroadcastState<String, ModelUpdate> models, BroadcastState<String, Long> control,
            ModelUpdate initial) throws Exception {
        try {
            Model.verify(update);
        } catch (ModelRejectedException e) {
            return e.getMessage();
        }
        long newest = newest(control, initial);
        ModelUpdate known = models.get(key(update.getVersion()));
        if (known == null && initial != null && initial.getVersion() == update.getVersion() && newest == initial.getVersion()) {
            known = initial; // the initial model, also published to the topic, is still the newest
        }
        if (known != null && known.getWeightsSha256().equals(update.getWeightsSha256())) {
            return null; // delivered again (e.g. the topic re-read): nothing changes
        }
        if (update.getVersion() <= newest) {
            return ModelRejectedException.Check.VERSION + ": version " + update.getVersion() + " is not newer than the newest accepted version "
                    + newest;
        }
        models.put(key(update.getVersion()), update);
        control.put(LATEST, update.getVersion());
        prune(models, control);
        return null;
    }

    /** Applies a pin or unpin; a pin must name a version the job still holds. */
    static String apply(ModelControl command, BroadcastState<String, ModelUpdate> models, BroadcastState<String, Long> control,
            ModelUpdate initial) throws Exception {
        if (command.getAction() == ModelAction.UNPIN) {
            control.remove(PINNED);
            return null;
        }
        long version = command.getVersion();
        boolean held = models.get(key(version)) != null || (initial != null && initial.getVersion() == version);
        if (!held) {
            return "PIN: version " + version + " is not held by the job (it holds " + heldVersions(models, initial)
                    + "); publish that model again to pin it";
        }
        control.put(PINNED, version);
        if (initial != null && initial.getVersion() == version && models.get(key(version)) == null) {
            models.put(key(version), initial);
        }
        return null;
    }

    static long newest(ReadOnlyBroadcastState<String, Long> control, ModelUpdate initial) throws Exception {
        Long latest = control.get(LATEST);
        return Math.max(latest == null ? 0 : latest, initial == null ? 0 : initial.getVersion());
    }

    static String key(long version) {
        return "v" + version;
    }

    /** Keeps the newest HISTORY models, and the pinned one whatever its age. */
    private static void prune(BroadcastState<String, ModelUpdate> models, BroadcastState<String, Long> control) throws Exception {
        TreeSet<Long> versions = new TreeSet<>();
        for (Map.Entry<String, ModelUpdate> e : models.entries()) {
            versions.add(e.getValue().getVersion());
        }
        Long pinned = control.get(PINNED);
        List<Long> drop = new ArrayList<>();
        while (versions.size() > HISTORY) {
            long oldest = versions.pollFirst();
            if (pinned == null || pinned != oldest) {
                drop.add(oldest);
            }
        }
        for (long v : drop) {
            models.remove(key(v));
        }
    }

    private static String heldVersions(BroadcastState<String, ModelUpdate> models, ModelUpdate initial) throws Exception {
        TreeSet<Long> versions = new TreeSet<>();
        for (Map.Entry<String, ModelUpdate> e : models.entries()) {
            versions.add(e.getValue().getVersion());
        }
        if (initial != null) {
            versions.add(initial.getVersion());
        }
        return versions.isEmpty() ? "none" : versions.toString();
    }
}
