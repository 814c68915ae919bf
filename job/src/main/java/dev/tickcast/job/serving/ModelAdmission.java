package dev.tickcast.job.serving;

import dev.tickcast.model.data.SymbolRoutes;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.file.ModelRejectedException.Check;
import dev.tickcast.model.file.ModelSigning;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelRole;
import dev.tickcast.schema.ModelRoutes;
import dev.tickcast.schema.ModelUpdate;
import java.io.IOException;
import java.io.Serializable;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;

/**
 * Which records of the models topic may change what serves: the job's rule, and the trainer's when it picks the model
 * to warm-start from and the version after it.
 *
 * @param line the model line whose models and controls these rules admit (the job keeps one per line it routes to,
 *     {@link ServedLines}; {@code --model-line} is the line of a job without {@code --model-routes})
 * @param trustedKeys X.509-encoded Ed25519 public keys ({@code --trusted-keys}); when not empty, models and controls
 *     must be signed by one of them
 * @param maxVersionStep how far past the newest held version a model's version may jump ({@code --max-version-step}):
 *     a version past that would leave no room for the versions after it (e.g. {@code Long.MAX_VALUE} blocks every later
 *     model, and stays so in checkpointed state)
 */
public record ModelAdmission(String line, List<byte[]> trustedKeys, long maxVersionStep) implements Serializable {

    /**
     * Versions stay below this, so that version + step never overflows and a version prints exactly as a JSON number.
     */
    public static final long MAX_VERSION = 1L << 53;

    public static final String DEFAULT_LINE = "default";
    public static final long DEFAULT_MAX_VERSION_STEP = 1000;

    public ModelAdmission {
        trustedKeys = List.copyOf(trustedKeys);
        SymbolRoutes.checkLine(line);
        if (maxVersionStep < 1) {
            throw new IllegalArgumentException("--max-version-step must be >= 1, got " + maxVersionStep);
        }
    }

    /** The given line, no trusted keys (unsigned models serve), the default version step. */
    public static ModelAdmission unsigned(String line) {
        return new ModelAdmission(line, List.of(), DEFAULT_MAX_VERSION_STEP);
    }

    /** The same rules for another line. */
    public ModelAdmission forLine(String other) {
        return new ModelAdmission(other, trustedKeys, maxVersionStep);
    }

    public boolean signaturesRequired() {
        return !trustedKeys.isEmpty();
    }

    /** The trusted keys by key id, as {@link #admit} takes them (parsed once, not per model). */
    public Map<String, PublicKey> keysById() throws IOException {
        return ModelSigning.trusted(trustedKeys);
    }

    /**
     * The models-topic key of a routes record ({@code tickcast model routes}): one per record, so that compaction keeps
     * every one and a job started from the topic alone routes past ticks as the job that saw them did. No line's name
     * starts with '#'.
     */
    public static String routesKey(ModelRoutes routes) {
        return "#routes@" + routes.getIssuedAt().toEpochMilli();
    }

    /** The models-topic key of a line's pin and unpin records (its models are keyed by the line's name). */
    public static String controlKey(String line) {
        return line + "#control";
    }

    /**
     * The models-topic key of a line's challenger: one per version, apart from the champions, so that compaction keeps
     * the champion, and every challenger with its decision (a job started from the topic alone rebuilds the same).
     */
    public static String challengerKey(String line, long version) {
        return line + "#challenger-v" + version;
    }

    /** The models-topic key of the PROMOTE or RETIRE decision about a line's challenger. */
    public static String decisionKey(String line, long version) {
        return line + "#decision-v" + version;
    }

    /** Whether a control decides a challenge (PROMOTE, RETIRE) rather than pins or unpins. */
    public static boolean isDecision(ModelControl control) {
        return control.getAction() == ModelAction.PROMOTE || control.getAction() == ModelAction.RETIRE;
    }

    /** The models-topic key a model is published under: its line, or for a challenger its own challenger key. */
    public static String topicKey(ModelUpdate model) {
        return model.getRole() == ModelRole.CHALLENGER
                ? challengerKey(model.getModelName(), model.getVersion())
                : model.getModelName();
    }

    /** The models-topic key a control is published under: the line's control key, or the decision's own. */
    public static String topicKey(ModelControl control) {
        return isDecision(control)
                ? decisionKey(control.getModelName(), control.getVersion())
                : controlKey(control.getModelName());
    }

    /**
     * Whether {@code update} is the newest held model delivered again (e.g. by {@code --model} and the topic both, or a
     * re-timed copy): nothing changes, and it is not refused either.
     */
    public static boolean isResent(ModelUpdate update, ModelUpdate newestHeld) {
        return newestHeld.getVersion() == update.getVersion()
                && newestHeld.getWeightsSha256().equals(update.getWeightsSha256())
                && newestHeld.getModelName().equals(update.getModelName());
    }

    /**
     * The checks of a model, cheap ones first: its line, its version against the newest held ({@code 0} if none),
     * then {@link Model#verify} (shape before any allocation, checksum, values), then its signature.
     *
     * @param trusted {@link #keysById()}
     * @return the verified runtime model, so that an admitted model is not verified a second time to serve
     */
    public Model admit(ModelUpdate update, long newest, Map<String, PublicKey> trusted) throws ModelRejectedException {
        if (!line.equals(update.getModelName())) {
            throw new ModelRejectedException(
                    Check.LINE,
                    "model line '" + update.getModelName() + "' is not served by this job (it serves '" + line
                            + "', --model-line)");
        }
        long version = update.getVersion();
        if (version <= newest) {
            throw new ModelRejectedException(
                    Check.VERSION, "version " + version + " is not newer than the newest accepted version " + newest);
        }
        if (version > MAX_VERSION || (newest > 0 && version - newest > maxVersionStep)) {
            throw new ModelRejectedException(
                    Check.VERSION,
                    "version " + version + " jumps more than " + maxVersionStep
                            + " past the newest accepted version " + newest
                            + " (--max-version-step), or past 2^53; a version that high would"
                            + " leave no room for the models after it");
        }
        Model model = Model.verify(update);
        if (signaturesRequired()) {
            ModelSigning.verify(update, trusted);
        }
        return model;
    }
}
