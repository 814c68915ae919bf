package dev.tickcast.job.serving;

import dev.tickcast.schema.DeadLetterReason;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelRoutes;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.internal.ModelEvent;
import dev.tickcast.schema.wire.WireCodec;
import dev.tickcast.schema.wire.WireException;

/**
 * A value of the models topic read as the job reads it: a {@link ModelUpdate}, a {@link ModelControl} or
 * {@link ModelRoutes}, told apart by the schema fingerprint of the single-object encoding. The job's decoder and the trainer's replay both read so.
 */
public final class ModelRecords {

    /** Models are small (a 3-layer hidden-256 LSTM is ~6 MB); anything far bigger is not one. */
    public static final int MAX_MODEL_BYTES = 64 << 20;
    /** Keys are a model line's name, or it with "#control"; a longer key is refused before its value is read. */
    public static final int MAX_KEY_BYTES = 1024;

    private final WireCodec<ModelUpdate> updates = modelCodec();
    private final WireCodec<ModelControl> controls = WireCodec.of(ModelControl.class);
    private final WireCodec<ModelRoutes> routes = WireCodec.of(ModelRoutes.class);

    /** The codec of ModelUpdates, bounded at {@link #MAX_MODEL_BYTES}: every reader and writer of models uses it. */
    public static WireCodec<ModelUpdate> modelCodec() {
        return WireCodec.of(ModelUpdate.class, MAX_MODEL_BYTES);
    }

    /**
     * @return an event with its update, control or routes set (its position not yet)
     * @throws WireException bytes that are none of them, with the reason the job dead-letters them for
     */
    public ModelEvent.Builder decode(byte[] bytes) throws WireException {
        try {
            return ModelEvent.newBuilder().setUpdate(updates.decode(bytes));
        } catch (WireException notAModel) {
            if (notAModel.reason() != DeadLetterReason.WRONG_SCHEMA) {
                throw notAModel;
            }
        }
        try {
            return ModelEvent.newBuilder().setControl(controls.decode(bytes));
        } catch (WireException notAControl) {
            if (notAControl.reason() != DeadLetterReason.WRONG_SCHEMA) {
                throw notAControl;
            }
        }
        try {
            return ModelEvent.newBuilder().setRoutes(routes.decode(bytes));
        } catch (WireException notRoutes) {
            throw new WireException(
                    notRoutes.reason(),
                    "neither a ModelUpdate, a ModelControl nor ModelRoutes: " + notRoutes.getMessage());
        }
    }
}
