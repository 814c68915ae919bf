package dev.tickcast.trainer;

import dev.tickcast.model.forecast.ErrorStats;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import java.util.List;

/**
 * Whether a newly trained model may replace what serves: on the same validation window, its next-price
 * MSE must not be worse than the naive forecast's nor than the published model's.
 */
public final class PublishGate {

    /** The decision with the figures it was made on (MSE of next-price forecasts on the validation window). */
    public record Decision(
            boolean publish,
            String reason,
            double newMse,
            double naiveMse,
            Double publishedMse,
            Long publishedVersion) {

        public String describe() {
            StringBuilder sb = new StringBuilder(String.format("new model MSE %.6g vs naive %.6g", newMse, naiveMse));
            if (publishedMse != null) {
                sb.append(String.format(" vs published v%d %.6g", publishedVersion, publishedMse));
            }
            return sb.append(" on the same validation window: ")
                    .append(publish ? "PUBLISH" : "NOT PUBLISHED")
                    .append(" (")
                    .append(reason)
                    .append(")")
                    .toString();
        }
    }

    private PublishGate() {}

    public static Decision decide(TrainingResult trained, ModelUpdate published, List<Tick> ticks) {
        ErrorStats fresh = trained.validation().overall();
        double newMse = fresh.mse();
        double naiveMse = fresh.naiveMse();
        Double publishedMse = null;
        if (published != null) {
            publishedMse = Trainer.validate(published, ticks, trained.validationCutoffs())
                    .overall()
                    .mse();
        }
        Long publishedVersion = published == null ? null : published.getVersion();
        if (!(newMse <= naiveMse)) {
            return new Decision(
                    false,
                    "worse than the naive last-price forecast",
                    newMse,
                    naiveMse,
                    publishedMse,
                    publishedVersion);
        }
        if (publishedMse != null && !(newMse <= publishedMse)) {
            return new Decision(
                    false, "worse than the model now published", newMse, naiveMse, publishedMse, publishedVersion);
        }
        return new Decision(
                true,
                published == null
                        ? "beats naive; nothing published yet"
                        : "not worse than naive nor the published model",
                newMse,
                naiveMse,
                publishedMse,
                publishedVersion);
    }
}
