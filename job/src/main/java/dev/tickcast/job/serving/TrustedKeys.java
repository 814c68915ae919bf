package dev.tickcast.job.serving;

import dev.tickcast.model.data.SymbolRoutes;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.file.ModelSigning;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.wire.WireCodec;
import dev.tickcast.schema.wire.WireException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --trusted-keys} files, read where the job is submitted and shipped to its operators as X.509 encodings.
 */
public final class TrustedKeys {

    private TrustedKeys() {}

    /** The encoded keys, or an empty list when no key is configured (signatures are then not required). */
    public static List<byte[]> load(List<String> paths) {
        List<byte[]> keys = new ArrayList<>();
        for (String path : paths) {
            try {
                keys.add(ModelSigning.readPublicKey(Path.of(path)).getEncoded());
            } catch (IOException e) {
                throw new IllegalArgumentException("--trusted-keys: " + e.getMessage(), e);
            }
        }
        return keys;
    }

    /**
     * Fails the submission if an initial model does not decode, is of another line than the job serves, does not
     * verify,
     * or (when keys are configured) is not signed by a trusted key.
     */
    public static void checkInitialModels(List<byte[]> models, ModelAdmission admission, SymbolRoutes routes) {
        WireCodec<ModelUpdate> codec = ModelRecords.modelCodec();
        for (byte[] bytes : models) {
            try {
                ModelUpdate model = codec.decode(bytes);
                String line = model.getModelName();
                if (!routes.lines().contains(line)) {
                    throw new IllegalArgumentException(
                            "--model refused: LINE: model line '" + line + "' is not one the job"
                                    + " routes symbols to (routes: " + routes + "; set --model-routes, or --model-line "
                                    + line + ")");
                }
                ModelAdmission ofLine = admission.forLine(line);
                ofLine.admit(model, 0, ofLine.keysById());
            } catch (ModelRejectedException | IOException | WireException e) {
                throw new IllegalArgumentException("--model refused: " + e.getMessage(), e);
            }
        }
    }
}
