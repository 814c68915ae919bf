package dev.tickcast.job;

import dev.tickcast.schema.DeadLetterReason;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.internal.ModelEvent;
import dev.tickcast.schema.internal.RawRecord;
import dev.tickcast.schema.wire.WireCodec;
import dev.tickcast.schema.wire.WireException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes records of the models topic: a {@link ModelUpdate} or a {@link ModelControl} (told apart by the
 * schema fingerprint of the single-object encoding). Anything else is dead-lettered as MODEL_REJECTED;
 * whether a model may serve is decided by the forecast operator, which knows what serves.
 */
public final class ModelDecoder extends ProcessFunction<RawRecord, ModelEvent> {

    private static final long serialVersionUID = 1L;
    /** Models are small (a 3-layer hidden-256 LSTM is ~6 MB); anything far bigger is not one. */
    public static final int MAX_MODEL_BYTES = 64 << 20;
    /** Keys are a model line's name, or it with "#control". */
    public static final int MAX_KEY_BYTES = 1024;

    private transient WireCodec<ModelUpdate> updates;
    private transient WireCodec<ModelControl> controls;
    private transient DeadLetterCounters deadLetters;

    @Override
    public void open(OpenContext openContext) {
        updates = WireCodec.of(ModelUpdate.class, MAX_MODEL_BYTES);
        controls = WireCodec.of(ModelControl.class);
        deadLetters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ModelEvent> out) {
        if (raw.getValue() == null) {
            // Compaction will drop the model record under this key, so a job started later without state will not see
            // it:
            // the running job keeps serving what it holds (its broadcast state is checkpointed). Kafka ACLs guard the
            // topic.
            reject(
                    ctx,
                    raw,
                    "tombstone (null value) on the models topic: ignored, the job keeps the models it holds; after compaction"
                            + " a job started without a savepoint will not find this line's model on the topic (publish it again)");
            return;
        }
        if (TickDecoder.remaining(raw.getKey()) > MAX_KEY_BYTES) {
            reject(
                    ctx,
                    raw,
                    "a key of " + TickDecoder.remaining(raw.getKey()) + " bytes is not a model line name (at most "
                            + MAX_KEY_BYTES + " bytes)");
            return;
        }
        byte[] bytes = TickDecoder.bytes(raw.getValue());
        ModelEvent.Builder event = ModelEvent.newBuilder()
                .setTopic(raw.getTopic())
                .setPartition(raw.getPartition())
                .setOffset(raw.getOffset());
        try {
            out.collect(event.setUpdate(updates.decode(bytes)).build());
        } catch (WireException notAModel) {
            if (notAModel.reason() != DeadLetterReason.WRONG_SCHEMA) {
                reject(ctx, raw, notAModel.reason() + ": " + notAModel.getMessage());
                return;
            }
            try {
                out.collect(event.setControl(controls.decode(bytes)).build());
            } catch (WireException notAControl) {
                reject(
                        ctx,
                        raw,
                        notAControl.reason() + ": neither a ModelUpdate nor a ModelControl: "
                                + notAControl.getMessage());
            }
        }
    }

    private void reject(Context ctx, RawRecord raw, String detail) {
        deadLetters.inc(DeadLetterReason.MODEL_REJECTED);
        ctx.output(
                Streams.DEAD_LETTER_TAG,
                DeadLetters.of(DeadLetterReason.MODEL_REJECTED, detail, raw, null, System.currentTimeMillis()));
    }
}
