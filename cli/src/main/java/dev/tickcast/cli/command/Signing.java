package dev.tickcast.cli.command;

import dev.tickcast.cli.common.UserException;
import dev.tickcast.model.file.ModelSigning;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelRoutes;
import dev.tickcast.schema.ModelUpdate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import picocli.CommandLine.Option;

/** The {@code --signing-key} option: a private key from 'tickcast keygen', its public half beside it. */
public final class Signing {

    @Option(
            names = "--signing-key",
            paramLabel = "FILE",
            description = "Sign with this Ed25519 private key (from 'tickcast keygen';"
                    + " FILE.pub, or the same name with .pub instead of .key, must be beside it). Jobs"
                    + " with --trusted-keys serve only signed models.")
    public Path key;

    /** The model, signed if a key was given. */
    public ModelUpdate apply(ModelUpdate model) {
        if (key == null) {
            return model;
        }
        try {
            PrivateKey privateKey = ModelSigning.readPrivateKey(key);
            return ModelSigning.sign(model, privateKey, publicKey());
        } catch (IOException e) {
            throw new UserException("--signing-key: " + e.getMessage());
        }
    }

    /** The control, signed if a key was given: a job with --trusted-keys applies only signed pins and unpins. */
    public ModelControl apply(ModelControl control) {
        if (key == null) {
            return control;
        }
        try {
            return ModelSigning.sign(control, ModelSigning.readPrivateKey(key), publicKey());
        } catch (IOException e) {
            throw new UserException("--signing-key: " + e.getMessage());
        }
    }

    /** The routes, signed if a key was given: a job with --trusted-keys applies only signed routes. */
    public ModelRoutes apply(ModelRoutes routes) {
        if (key == null) {
            return routes;
        }
        try {
            return ModelSigning.sign(routes, ModelSigning.readPrivateKey(key), publicKey());
        } catch (IOException e) {
            throw new UserException("--signing-key: " + e.getMessage());
        }
    }

    /** The public half of the signing key, or null without --signing-key. */
    public PublicKey publicKeyOrNull() {
        if (key == null) {
            return null;
        }
        try {
            return publicKey();
        } catch (IOException e) {
            throw new UserException("--signing-key: " + e.getMessage());
        }
    }

    private PublicKey publicKey() throws IOException {
        Path sibling = ModelSigning.publicKeyBeside(key);
        if (!Files.isRegularFile(sibling)) {
            throw new UserException(
                    "--signing-key: no public key " + sibling + " beside " + key + " (tickcast keygen writes both)");
        }
        return ModelSigning.readPublicKey(sibling);
    }
}
