package dev.tickcast.model.file;

import dev.tickcast.model.cell.RecurrentNetwork;
import dev.tickcast.model.feature.FeatureScaler;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.ModelUpdate;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A verified model ready to serve: the network and its feature scaler. Built only through
 * {@link #verify}, so a model that exists has passed every check. Like {@link RecurrentNetwork} it
 * has scratch buffers: use one instance per thread ({@link #verify} again to get another).
 */
public final class Model {

    private final ModelUpdate update;
    private final RecurrentNetwork network;
    private final FeatureScaler scaler;

    private Model(ModelUpdate update, RecurrentNetwork network, FeatureScaler scaler) {
        this.update = update;
        this.network = network;
        this.scaler = scaler;
    }

    /**
     * Checks a ModelUpdate in this order — version, features, shape, checksum, finite values — and
     * builds the serving model.
     *
     * @throws ModelRejectedException naming the first check that failed and what was found
     */
    public static Model verify(ModelUpdate update) throws ModelRejectedException {
        if (update.getVersion() < 1) {
            throw new ModelRejectedException(ModelRejectedException.Check.VERSION,
                    "version " + update.getVersion() + " is not >= 1 (0 is reserved for the naive forecast)");
        }
        FeatureScaler scaler;
        try {
            scaler = new FeatureScaler(update.getFeatures());
        } catch (IllegalArgumentException e) {
            throw new ModelRejectedException(ModelRejectedException.Check.FEATURES, e.getMessage());
        }
        if (scaler.inputSize() != update.getInputSize()) {
            throw new ModelRejectedException(ModelRejectedException.Check.SHAPE, "input_size " + update.getInputSize()
                    + " but the feature spec names " + scaler.inputSize() + " features");
        }
        int[] hidden = update.getHiddenSizes().stream().mapToInt(Integer::intValue).toArray();
        ByteBuffer bytes = update.getWeights();
        if (hidden.length < 1 || hidden.length > RecurrentNetwork.MAX_LAYERS || Arrays.stream(hidden).anyMatch(h -> h < 1)
                || update.getOutputSize() != 1) {
            throw new ModelRejectedException(ModelRejectedException.Check.SHAPE, "hidden sizes " + Arrays.toString(hidden)
                    + " and output size " + update.getOutputSize() + " are not 1-" + RecurrentNetwork.MAX_LAYERS
                    + " layers of size >= 1 with output size 1");
        }
        long expectedBytes = (long) RecurrentNetwork.parameterCount(update.getCellType(), update.getInputSize(), hidden,
                update.getOutputSize()) * Float.BYTES;
        if (bytes.remaining() != expectedBytes) {
            throw new ModelRejectedException(ModelRejectedException.Check.SHAPE, "weights are " + bytes.remaining()
                    + " bytes but " + update.getCellType() + " " + update.getInputSize() + "→" + Arrays.toString(hidden)
                    + "→" + update.getOutputSize() + " needs " + expectedBytes);
        }
        byte[] actualSha = Weights.sha256(bytes);
        byte[] declaredSha = new byte[update.getWeightsSha256().remaining()];
        update.getWeightsSha256().duplicate().get(declaredSha);
        if (!MessageDigest.isEqual(actualSha, declaredSha)) {
            throw new ModelRejectedException(ModelRejectedException.Check.CHECKSUM,
                    "SHA-256 of the weights does not match weights_sha256: the weights were altered or truncated");
        }
        float[] weights = Weights.fromBytes(bytes);
        for (int i = 0; i < weights.length; i++) {
            if (!Float.isFinite(weights[i])) {
                throw new ModelRejectedException(ModelRejectedException.Check.NOT_FINITE,
                        "weight " + i + " of " + weights.length + " is " + weights[i]);
            }
        }
        RecurrentNetwork network = RecurrentNetwork.of(update.getCellType(), update.getInputSize(), hidden,
                update.getOutputSize(), weights);
        return new Model(update, network, scaler);
    }

    public ModelUpdate update() {
        return update;
    }

    public long version() {
        return update.getVersion();
    }

    public CellType cellType() {
        return update.getCellType();
    }

    public RecurrentNetwork network() {
        return network;
    }

    public FeatureScaler scaler() {
        return scaler;
    }

    /** e.g. "v3 LSTM 3→[32]→1". */
    public String describe() {
        return "v" + version() + " " + cellType() + " " + update.getInputSize() + "→" + update.getHiddenSizes() + "→"
                + update.getOutputSize();
    }
}
