package dev.tickcast.job.operator;

import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.job.types.Streams;
import dev.tickcast.schema.DeadLetterReason;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.internal.ModelEvent;
import dev.tickcast.schema.internal.RawRecord;
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

    private transient ModelRecords records;
    private transient DeadLetterCounters deadLetters;

    @Override
    public void open(OpenContext openContext) {
        records = new ModelRecords();
        deadLetters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ModelEvent> out) {
        if (raw.getValue() == null) {
            // Compaction will drop the model record under this key, so a job started later without state will not see
            // it; the running job keeps serving what it holds (its broadcast state is checkpointed). Kafka ACLs guard
            // the topic.
            reject(
                    ctx,
                    raw,
                    "tombstone (null value) on the models topic: ignored, the job keeps the models it holds;"
                            + " after compaction"
                            + " a job started without a savepoint will not find this line's model on the topic"
                            + " (publish it again)");
            return;
        }
        if (TickDecoder.remaining(raw.getKey()) > ModelRecords.MAX_KEY_BYTES) {
            reject(
                    ctx,
                    raw,
                    "a key of " + TickDecoder.remaining(raw.getKey()) + " bytes is not a model line name (at most "
                            + ModelRecords.MAX_KEY_BYTES + " bytes)");
            return;
        }
        try {
            out.collect(records.decode(TickDecoder.bytes(raw.getValue()))
                    .setTopic(raw.getTopic())
                    .setPartition(raw.getPartition())
                    .setOffset(raw.getOffset())
                    .build());
        } catch (WireException e) {
            reject(ctx, raw, e.reason() + ": " + e.getMessage());
        }
    }

    private void reject(Context ctx, RawRecord raw, String detail) {
        deadLetters.inc(DeadLetterReason.MODEL_REJECTED);
        ctx.output(
                Streams.DEAD_LETTER_TAG,
                DeadLetters.of(DeadLetterReason.MODEL_REJECTED, detail, raw, null, System.currentTimeMillis()));
    }
}
