package dev.tickcast.model.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FeatureTest {

    private static final long T0 = 1_709_303_400_000L;

    @Test
    void computesLogReturnLogGapAndLogVolumeAtTheOffset() {
        float[] raw = new float[1 + Feature.COUNT];

        Feature.computeRaw(100.0, T0, 101.0, T0 + 2_000, 9.0, raw, 1);

        assertThat(raw[0]).as("before the offset untouched").isZero();
        assertThat(raw[1 + Feature.LOG_RETURN.ordinal()]).isEqualTo((float) Math.log(1.01));
        assertThat(raw[1 + Feature.LOG_GAP.ordinal()]).isEqualTo((float) Math.log(3.0));
        assertThat(raw[1 + Feature.LOG_VOLUME.ordinal()]).isEqualTo((float) Math.log(10.0));
    }

    @Test
    void missingVolumeCountsAsZeroAndBackwardsGapAsZero() {
        float[] raw = new float[Feature.COUNT];

        Feature.computeRaw(100.0, T0, 100.0, T0 - 5_000, null, raw, 0);

        assertThat(raw).containsExactly(0f, 0f, 0f);
    }

    @Test
    void wireNamesRoundTripAndUnknownNamesAreRefused() {
        for (Feature f : Feature.values()) {
            assertThat(Feature.fromWireName(f.wireName())).isSameAs(f);
        }
        assertThatThrownBy(() -> Feature.fromWireName("LOG_RETURN"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown feature 'LOG_RETURN'");
    }
}
