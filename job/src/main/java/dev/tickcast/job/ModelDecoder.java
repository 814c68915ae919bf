package dev.tickcast.job;

import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.internal.RawRecord;
import dev.tickcast.schema.wire.WireCodec;
import dev.tickcast.schema.wire.WireException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes records of the models topic. Anything that is not a ModelUpdate is dead-lettered as
 * MODEL_REJECTED; whether a decoded model may serve is decided by the forecast operator, which knows
 * the serving version.
 */
public final class ModelDecoder extends ProcessFunction<RawRecord, ModelUpdate> {

    private static final long serialVersionUID = 1L;
    /** Models are small (a 3-layer hidden-256 LSTM is ~6 MB); anything far bigger is not one. */
    static final int MAX_MODEL_BYTES = 64 << 20;

    private transient WireCodec<ModelUpdate> codec;
    private transient DeadLetterCounters deadLetters;

    @Override
    public void open(OpenContext openContext) {
        codec = WireCodec.of(ModelUpdate.class, MAX_MODEL_BYTES);
        deadLetters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ModelUpdate> out) {
        if (raw.getValue() == null) {
            reject(ctx, raw, "tombstone (null value) on the models topic: nothing to serve, ignored");
            return;
        }
        try {
            out.collect(codec.decode(TickDecoder.bytes(raw.getValue())));
        } catch (WireException e) {
            reject(ctx, raw, e.reason() + ": " + e.getMessage());
        }
    }

    private void reject(Context ctx, RawRecord raw, String detail) {
        deadLetters.inc(DeadLetters.MODEL_REJECTED);
        ctx.output(Streams.DEAD_LETTER_TAG, DeadLetters.of(DeadLetters.MODEL_REJECTED, detail, raw, null, System.currentTimeMillis()));
    }
}
