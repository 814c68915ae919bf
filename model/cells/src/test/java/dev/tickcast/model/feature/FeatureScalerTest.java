package dev.tickcast.model.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tickcast.schema.FeatureSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureScalerTest {

    /** Rows of raw features in enum order: log_return, log_gap, log_volume. */
    private static float[] rows(float[]... rows) {
        float[] raw = new float[rows.length * Feature.COUNT];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, raw, r * Feature.COUNT, Feature.COUNT);
        }
        return raw;
    }

    @Test
    void fitGivesMeanAndPopulationStdOfEachChosenFeatureInTheChosenOrder() {
        float[] raw = rows(new float[] {1, 0, 2}, new float[] {2, 0, 4}, new float[] {3, 0, 4}, new float[] {4, 0, 6});
        double[] targets = {0.01, -0.01, 0.03, -0.03};

        FeatureSpec spec = FeatureScaler.fit(List.of(Feature.LOG_VOLUME, Feature.LOG_RETURN), raw, 4, targets, 5.0);

        assertThat(spec.getNames()).containsExactly("log_volume", "log_return");
        assertThat(spec.getMean().get(0)).isCloseTo(4.0, within(1e-12));
        assertThat(spec.getStd().get(0)).isCloseTo(Math.sqrt(2.0), within(1e-12)); // (4+0+0+4)/4
        assertThat(spec.getMean().get(1)).isCloseTo(2.5, within(1e-12));
        assertThat(spec.getStd().get(1)).isCloseTo(Math.sqrt(1.25), within(1e-12)); // (2.25+0.25+0.25+2.25)/4
        assertThat(spec.getTargetMean()).isCloseTo(0.0, within(1e-15));
        assertThat(spec.getTargetStd()).isCloseTo(Math.sqrt(5e-4), within(1e-12));
        assertThat(spec.getClip()).isEqualTo(5.0);
    }

    @Test
    void constantZeroFeatureGetsStdOne() {
        float[] raw = rows(new float[] {1, 0, 0}, new float[] {2, 0, 0}, new float[] {3, 0, 0});

        FeatureSpec spec = FeatureScaler.fit(List.of(Feature.LOG_VOLUME), raw, 3, new double[] {1, 2, 3}, 8.0);

        assertThat(spec.getMean()).containsExactly(0.0);
        assertThat(spec.getStd()).containsExactly(1.0);
    }

    @Test
    void constantNonZeroFeatureGetsStdOneDespiteRounding() {
        // A year of daily bars: every gap is one day, so log_gap is the same number on all 255 rows.
        float gap = (float) Math.log1p(86_400);
        float[] raw = new float[255 * Feature.COUNT];
        double[] targets = new double[255];
        for (int r = 0; r < 255; r++) {
            raw[r * Feature.COUNT + Feature.LOG_RETURN.ordinal()] = (float) (0.001 * (r % 7 - 3));
            raw[r * Feature.COUNT + Feature.LOG_GAP.ordinal()] = gap;
            targets[r] = 0.001 * (r % 5 - 2);
        }

        FeatureSpec spec = FeatureScaler.fit(List.of(Feature.LOG_GAP), raw, 255, targets, 8.0);

        assertThat(spec.getMean().get(0)).isCloseTo(gap, within(1e-9));
        assertThat(spec.getStd()).containsExactly(1.0);
        // so a weekend gap scales to about +1.1, not to the clip
        FeatureScaler scaler = new FeatureScaler(spec);
        float[] weekend = new float[Feature.COUNT];
        weekend[Feature.LOG_GAP.ordinal()] = (float) Math.log1p(3 * 86_400);
        float[] x = new float[1];
        scaler.scale(weekend, 0, x);
        assertThat(x[0]).isCloseTo((float) Math.log(3), within(1e-3f));
    }

    @Test
    void constantTargetGetsStdOne() {
        float[] raw = rows(new float[] {1, 0, 0}, new float[] {2, 0, 0});

        FeatureSpec spec = FeatureScaler.fit(List.of(Feature.LOG_RETURN), raw, 2, new double[] {0.0, 0.0}, 8.0);

        assertThat(spec.getTargetStd()).isEqualTo(1.0);
    }

    @Test
    void scaleReadsEachInputFromItsNamedFeatureAndStandardises() {
        FeatureScaler scaler = new FeatureScaler(
                spec(List.of("log_volume", "log_return"), List.of(2.0, 0.0), List.of(4.0, 0.01), 8.0));
        float[] raw = new float[2 + Feature.COUNT];
        raw[2 + Feature.LOG_RETURN.ordinal()] = 0.02f;
        raw[2 + Feature.LOG_GAP.ordinal()] = 99f;
        raw[2 + Feature.LOG_VOLUME.ordinal()] = 10f;
        float[] x = new float[2];

        scaler.scale(raw, 2, x);

        assertThat(x[0]).isCloseTo(2.0f, within(1e-6f)); // (10 − 2) / 4
        assertThat(x[1]).isCloseTo(2.0f, within(1e-5f)); // 0.02 / 0.01
    }

    @Test
    void scaleClipsAtPlusAndMinusClip() {
        FeatureScaler scaler = new FeatureScaler(spec(List.of("log_return"), List.of(0.0), List.of(0.001), 3.0));
        float[] raw = new float[Feature.COUNT];
        float[] x = new float[1];

        raw[Feature.LOG_RETURN.ordinal()] = 0.05f;
        scaler.scale(raw, 0, x);
        assertThat(x[0]).isEqualTo(3.0f);

        raw[Feature.LOG_RETURN.ordinal()] = -0.05f;
        scaler.scale(raw, 0, x);
        assertThat(x[0]).isEqualTo(-3.0f);

        raw[Feature.LOG_RETURN.ordinal()] = 0.0025f;
        scaler.scale(raw, 0, x);
        assertThat(x[0]).isCloseTo(2.5f, within(1e-4f));
    }

    @Test
    void scaleTargetClipsAtPlusAndMinusClip() {
        FeatureScaler scaler = new FeatureScaler(spec(List.of("log_return"), List.of(0.0), List.of(1.0), 3.0));

        assertThat(scaler.scaleTarget(0.5)).isEqualTo(3.0f); // (0.5 − 0.0001) / 0.002 ≈ 250
        assertThat(scaler.scaleTarget(-0.5)).isEqualTo(-3.0f);
    }

    @Test
    void logReturnInvertsScaleTarget() {
        FeatureScaler scaler = new FeatureScaler(spec(List.of("log_return"), List.of(0.0), List.of(1.0), 8.0));

        for (double r : new double[] {-0.01, -0.0031, 0.0, 0.0001, 0.0047, 0.012}) {
            assertThat(scaler.logReturn(scaler.scaleTarget(r)))
                    .as("log return %s", r)
                    .isCloseTo(r, within(1e-8));
        }
    }

    @Test
    void refusesUnknownFeatureNamingTheKnownOnes() {
        assertThatThrownBy(() -> new FeatureScaler(spec(List.of("log_spread"), List.of(0.0), List.of(1.0), 8.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown feature 'log_spread'")
                .hasMessageContaining("log_return, log_gap, log_volume");
    }

    @Test
    void refusesZeroStd() {
        assertThatThrownBy(() -> new FeatureScaler(spec(List.of("log_gap"), List.of(0.0), List.of(0.0), 8.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feature 'log_gap' has mean 0.0 and std 0.0");
    }

    @Test
    void refusesMismatchedSpecLengths() {
        assertThatThrownBy(() ->
                        new FeatureScaler(spec(List.of("log_gap", "log_return"), List.of(0.0), List.of(1.0, 1.0), 8.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 names, 1 means and 2 stds");
    }

    @Test
    void refusesNonPositiveClip() {
        assertThatThrownBy(() -> new FeatureScaler(spec(List.of("log_gap"), List.of(0.0), List.of(1.0), 0.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clip must be > 0 and <= 64.0, got 0.0");
    }

    private static FeatureSpec spec(List<String> names, List<Double> mean, List<Double> std, double clip) {
        return FeatureSpec.newBuilder()
                .setNames(names)
                .setMean(mean)
                .setStd(std)
                .setClip(clip)
                .setTargetMean(0.0001)
                .setTargetStd(0.002)
                .build();
    }
}
