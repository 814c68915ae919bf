package dev.tickcast.cli.kafka;

import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.util.Arrays;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/** The record type of each tickcast topic, told by the suffix of the topic's default name. */
public enum RecordType {
    tick(Tick.class, "ticks"),
    forecast(Forecast.class, "forecasts"),
    evaluation(Evaluation.class, "evaluations"),
    // Models carry their weights: allow the size a model may have on the models topic.
    model(ModelUpdate.class, "models"),
    deadletter(DeadLetter.class, "deadletters");

    public final Class<? extends SpecificRecord> type;
    public final String topicSuffix;

    RecordType(Class<? extends SpecificRecord> type, String topicSuffix) {
        this.type = type;
        this.topicSuffix = topicSuffix;
    }

    public WireCodec<? extends SpecificRecord> codec() {
        return WireCodec.of(type, this == model ? ModelRecords.MAX_MODEL_BYTES : WireCodec.DEFAULT_MAX_BYTES);
    }

    /** tickcast.forecasts, my.forecasts, forecasts: forecast. */
    public static Optional<RecordType> ofTopic(String topic) {
        String lower = topic.toLowerCase();
        return Arrays.stream(values())
                .filter(t -> lower.endsWith(t.topicSuffix))
                .findFirst();
    }
}
