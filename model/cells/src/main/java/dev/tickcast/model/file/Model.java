package dev.tickcast.model.file;

import dev.tickcast.model.cell.RecurrentNetwork;
import dev.tickcast.model.feature.FeatureScaler;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.ModelUpdate;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * A verified model ready to serve: the network and its feature scaler. Built only through
 * {@link #verify}, so a model that exists has passed every check. Like {@link RecurrentNetwork} it
 * has scratch buffers: use one instance per thread ({@link #verify} again to get another).
 */
public final class Model {

    /**
     * Largest hidden size of a layer, and most parameters of a model (64 MiB of float32, the largest model the
     * models topic takes): a shape is checked against both, with overflow-checked arithmetic, before anything
     * is allocated for it.
     */
    public static final int MAX_HIDDEN = 4096;

    public static final int MAX_PARAMETERS = 1 << 24;

    /**
     * Largest weight magnitude. With scaled inputs within ±{@link FeatureScaler#MAX_CLIP} and hidden values within ±1,
     * a gate sum then stays below 1e13 at any fan-in a model may have: finite in float, so no NaN can reach a
     * symbol's hidden state.
     */
    public static final float MAX_ABS_WEIGHT = 1e4f;

    /** Most horizons of a model, and the longest (in ticks). */
    public static final int MAX_HORIZONS = 8;

    public static final int MAX_HORIZON = 64;

    private final ModelUpdate update;
    private final RecurrentNetwork network;
    private final FeatureScaler scaler;
    private final int[] horizons;

    private Model(ModelUpdate update, RecurrentNetwork network, FeatureScaler scaler, int[] horizons) {
        this.update = update;
        this.network = network;
        this.scaler = scaler;
        this.horizons = horizons;
    }

    /**
     * Checks a ModelUpdate in this order — version, features (and their scaler's bounds), shape (layer count,
     * hidden sizes, parameter count, weights length), checksum, finite and bounded weights — and builds the
     * serving model. Nothing is allocated from a size in the record before the size is checked.
     *
     * @throws ModelRejectedException naming the first check that failed and what was found
     */
    public static Model verify(ModelUpdate update) throws ModelRejectedException {
        if (update.getVersion() < 1) {
            throw new ModelRejectedException(
                    ModelRejectedException.Check.VERSION,
                    "version " + update.getVersion() + " is not >= 1 (0 is reserved for the naive forecast)");
        }
        FeatureScaler scaler;
        try {
            scaler = new FeatureScaler(update.getFeatures());
        } catch (IllegalArgumentException e) {
            throw new ModelRejectedException(ModelRejectedException.Check.FEATURES, e.getMessage());
        }
        if (scaler.inputSize() != update.getInputSize()) {
            throw new ModelRejectedException(
                    ModelRejectedException.Check.SHAPE,
                    "input_size " + update.getInputSize() + " but the feature spec names " + scaler.inputSize()
                            + " features");
        }
        int[] horizons = checkHorizons(update.getHorizons());
        List<Integer> hiddenList = update.getHiddenSizes();
        if (hiddenList.size() < 1
                || hiddenList.size() > RecurrentNetwork.MAX_LAYERS
                || update.getOutputSize() != horizons.length) {
            throw new ModelRejectedException(
                    ModelRejectedException.Check.SHAPE,
                    hiddenList.size() + " layers and output size " + update.getOutputSize() + "; a model has 1-"
                            + RecurrentNetwork.MAX_LAYERS + " layers and one output per horizon ("
                            + horizons.length + ")");
        }
        int[] hidden = hiddenList.stream().mapToInt(Integer::intValue).toArray();
        if (Arrays.stream(hidden).anyMatch(h -> h < 1 || h > MAX_HIDDEN)) {
            throw new ModelRejectedException(
                    ModelRejectedException.Check.SHAPE,
                    "hidden sizes " + Arrays.toString(hidden) + " are not all in [1, " + MAX_HIDDEN + "]");
        }
        String shape = update.getCellType() + " " + update.getInputSize() + "→" + Arrays.toString(hidden) + "→"
                + update.getOutputSize();
        int parameters;
        try {
            parameters = RecurrentNetwork.parameterCount(
                    update.getCellType(), update.getInputSize(), hidden, update.getOutputSize());
        } catch (ArithmeticException e) {
            parameters = Integer.MAX_VALUE;
        }
        if (parameters > MAX_PARAMETERS) {
            throw new ModelRejectedException(
                    ModelRejectedException.Check.SHAPE,
                    shape + " has more than the " + MAX_PARAMETERS + " parameters a model may have");
        }
        ByteBuffer bytes = update.getWeights();
        long expectedBytes = (long) parameters * Float.BYTES;
        if (bytes.remaining() != expectedBytes) {
            throw new ModelRejectedException(
                    ModelRejectedException.Check.SHAPE,
                    "weights are " + bytes.remaining() + " bytes but " + shape + " needs " + expectedBytes);
        }
        byte[] actualSha = Weights.sha256(bytes);
        byte[] declaredSha = new byte[Math.min(update.getWeightsSha256().remaining(), actualSha.length + 1)];
        update.getWeightsSha256().duplicate().get(declaredSha);
        if (!MessageDigest.isEqual(actualSha, declaredSha)) {
            throw new ModelRejectedException(
                    ModelRejectedException.Check.CHECKSUM,
                    "SHA-256 of the weights does not match weights_sha256: the weights were altered or truncated");
        }
        float[] weights = Weights.fromBytes(bytes);
        for (int i = 0; i < weights.length; i++) {
            if (!Float.isFinite(weights[i])) {
                throw new ModelRejectedException(
                        ModelRejectedException.Check.NOT_FINITE,
                        "weight " + i + " of " + weights.length + " is " + weights[i]);
            }
            if (Math.abs(weights[i]) > MAX_ABS_WEIGHT) {
                throw new ModelRejectedException(
                        ModelRejectedException.Check.NOT_FINITE,
                        "weight " + i + " of " + weights.length + " is " + weights[i] + ", beyond ±" + MAX_ABS_WEIGHT
                                + " (no trained network has such weights; they overflow the cell sums)");
            }
        }
        RecurrentNetwork network = RecurrentNetwork.of(
                update.getCellType(), update.getInputSize(), hidden, update.getOutputSize(), weights);
        return new Model(update, network, scaler, horizons);
    }

    /**
     * Horizons, as {@link #MAX_HORIZONS} at most, ascending from 1 to at most {@link #MAX_HORIZON}: each costs every
     * symbol's state its own pending forecasts, so both bounds bound that state.
     */
    private static int[] checkHorizons(List<Integer> list) throws ModelRejectedException {
        if (list.isEmpty() || list.size() > MAX_HORIZONS) {
            throw new ModelRejectedException(
                    ModelRejectedException.Check.SHAPE, list.size() + " horizons; a model has 1-" + MAX_HORIZONS);
        }
        int[] horizons = new int[list.size()];
        for (int i = 0; i < horizons.length; i++) {
            horizons[i] = list.get(i);
            boolean ascending = i == 0 ? horizons[0] == 1 : horizons[i] > horizons[i - 1];
            if (!ascending || horizons[i] > MAX_HORIZON) {
                throw new ModelRejectedException(
                        ModelRejectedException.Check.SHAPE,
                        "horizons " + list + " are not ascending from 1 to at most " + MAX_HORIZON);
            }
        }
        return horizons;
    }

    public ModelUpdate update() {
        return update;
    }

    public long version() {
        return update.getVersion();
    }

    /** The model line (model_name) the model is a version of. */
    public String line() {
        return update.getModelName();
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

    /** Ticks ahead of each output, ascending from 1 (a copy). */
    public int[] horizons() {
        return horizons.clone();
    }

    /** {@link #horizons()} without the copy, for the per-tick path: read it, never write it. */
    public int[] horizonsView() {
        return horizons;
    }

    /** e.g. "v3 LSTM 3→[32]→1", or "v3 LSTM 3→[32]→3 (horizons [1, 5, 20])". */
    public String describe() {
        String shape = "v" + version() + " " + cellType() + " " + update.getInputSize() + "→" + update.getHiddenSizes()
                + "→" + update.getOutputSize();
        return horizons.length == 1 ? shape : shape + " (horizons " + update.getHorizons() + ")";
    }
}
