package dev.tickcast.job.serving;

import dev.tickcast.model.file.ModelSigning;
import dev.tickcast.schema.ModelControl;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * Signs the job's own PROMOTE and RETIRE decisions with {@code --decision-key}, so that a job trusting keys applies
 * them like any signed control. Read where the job is submitted; the encoded key pair travels with the referee.
 */
public final class DecisionSigner implements Serializable {

    private static final long serialVersionUID = 1L;

    private final byte[] privateKey;
    private final byte[] publicKey;
    private transient PrivateKey parsedPrivate;
    private transient PublicKey parsedPublic;

    private DecisionSigner(byte[] privateKey, byte[] publicKey) {
        this.privateKey = privateKey.clone();
        this.publicKey = publicKey.clone();
    }

    /**
     * The key in {@code file} and its public half beside it ({@code NAME.pub} for {@code NAME.key}).
     *
     * @throws IllegalArgumentException naming the option and what is wrong
     */
    public static DecisionSigner load(Path file) {
        Path pub = ModelSigning.publicKeyBeside(file);
        if (!Files.isRegularFile(pub)) {
            throw new IllegalArgumentException(
                    "--decision-key: no public key " + pub + " beside " + file + " (tickcast keygen writes both)");
        }
        try {
            return new DecisionSigner(
                    ModelSigning.readPrivateKey(file).getEncoded(),
                    ModelSigning.readPublicKey(pub).getEncoded());
        } catch (IOException e) {
            throw new IllegalArgumentException("--decision-key: " + e.getMessage(), e);
        }
    }

    /** The id of the key, as trusted keys name it. */
    public String keyId() throws IOException {
        return ModelSigning.keyId(publicKey());
    }

    public ModelControl sign(ModelControl control) throws IOException {
        if (parsedPrivate == null) {
            parsedPrivate = ModelSigning.privateKey(privateKey, "the decision key");
        }
        return ModelSigning.sign(control, parsedPrivate, publicKey());
    }

    private PublicKey publicKey() throws IOException {
        if (parsedPublic == null) {
            parsedPublic = ModelSigning.publicKey(publicKey, "the decision key's public half");
        }
        return parsedPublic;
    }
}
