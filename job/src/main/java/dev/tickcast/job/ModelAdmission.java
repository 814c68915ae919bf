package dev.tickcast.job;

import dev.tickcast.model.file.ModelSigning;
import java.io.IOException;
import java.io.Serializable;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;

/**
 * Which records of the models topic the job lets change what serves.
 *
 * @param line the one model line the job serves ({@code --model-line}); models and controls of other lines are refused
 * @param trustedKeys X.509-encoded Ed25519 public keys ({@code --trusted-keys}); when not empty, models and controls
 *     must be signed by one of them
 * @param maxVersionStep how far past the newest held version a model's version may jump ({@code --max-version-step}):
 *     a version past that would leave no room for the versions after it (e.g. {@code Long.MAX_VALUE} blocks every later
 *     model, and stays so in checkpointed state)
 */
public record ModelAdmission(String line, List<byte[]> trustedKeys, long maxVersionStep) implements Serializable {

    /** Versions stay below this, so that version + step never overflows and a version prints exactly as a JSON number. */
    public static final long MAX_VERSION = 1L << 53;

    public static final String DEFAULT_LINE = "default";
    public static final long DEFAULT_MAX_VERSION_STEP = 1000;

    public ModelAdmission {
        trustedKeys = List.copyOf(trustedKeys);
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException("the model line must not be empty (--model-line)");
        }
        if (maxVersionStep < 1) {
            throw new IllegalArgumentException("--max-version-step must be >= 1, got " + maxVersionStep);
        }
    }

    /** The given line, no trusted keys (unsigned models serve), the default version step. */
    public static ModelAdmission unsigned(String line) {
        return new ModelAdmission(line, List.of(), DEFAULT_MAX_VERSION_STEP);
    }

    boolean signaturesRequired() {
        return !trustedKeys.isEmpty();
    }

    Map<String, PublicKey> keysById() throws IOException {
        return ModelSigning.trusted(trustedKeys);
    }
}
