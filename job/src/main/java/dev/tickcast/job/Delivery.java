package dev.tickcast.job;

import java.util.Locale;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * What the sinks promise ({@code --delivery}). Only these two: Flink's {@link DeliveryGuarantee#NONE} would lose
 * forecasts on a restart without saying so, which the job never offers.
 */
public enum Delivery {
    /** Transactional sinks, committed at each checkpoint: read the outputs with isolation.level=read_committed. */
    EXACTLY_ONCE(DeliveryGuarantee.EXACTLY_ONCE),
    /** Plain sinks, flushed at each checkpoint: a restart may write some records twice. */
    AT_LEAST_ONCE(DeliveryGuarantee.AT_LEAST_ONCE);

    private final DeliveryGuarantee guarantee;

    Delivery(DeliveryGuarantee guarantee) {
        this.guarantee = guarantee;
    }

    public DeliveryGuarantee guarantee() {
        return guarantee;
    }

    /** As typed on the command line ("exactly-once"); Flink's {@code enumType} options match values against it. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
