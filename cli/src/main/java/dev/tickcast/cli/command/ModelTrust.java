package dev.tickcast.cli.command;

import dev.tickcast.cli.common.UserException;
import dev.tickcast.job.serving.ModelAdmission;
import dev.tickcast.model.file.ModelSigning;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --trusted-keys} option of the commands that read models from the models topic: they take a record as the
 * job with the same keys would ({@link ModelAdmission}), so an unsigned or foreign record is never warm-started from,
 * re-signed or counted as the newest version.
 */
public final class ModelTrust {

    @Option(
            names = "--trusted-keys",
            split = ",",
            paramLabel = "FILE",
            description = "Public key file(s) from 'tickcast keygen', as"
                    + " the job's --trusted-keys: models on the models topic count only if signed by one"
                    + " of them (a --signing-key's own"
                    + " public key is trusted too). Without any key, unsigned models count, as in a job"
                    + " without --trusted-keys.")
    public List<Path> keys = new ArrayList<>();

    @Option(
            names = "--max-version-step",
            description = "As the job's --max-version-step: a model whose version jumps more than this"
                    + " past the newest admitted one does not count. Default: ${DEFAULT-VALUE}.",
            defaultValue = "" + ModelAdmission.DEFAULT_MAX_VERSION_STEP)
    public long maxVersionStep;

    /** The job's rule for the line, trusting {@link #keys} and {@code ownKey} (null if none). */
    public ModelAdmission admission(String line, PublicKey ownKey) {
        List<byte[]> encoded = new ArrayList<>();
        for (Path key : keys) {
            try {
                encoded.add(ModelSigning.readPublicKey(key).getEncoded());
            } catch (IOException e) {
                throw new UserException("--trusted-keys: " + e.getMessage());
            }
        }
        if (ownKey != null) {
            encoded.add(ownKey.getEncoded());
        }
        try {
            return new ModelAdmission(line, encoded, maxVersionStep);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }
}
