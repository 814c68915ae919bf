package dev.tickcast.model.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ErrorStatsTest {

    @Test
    void emptyStatsAreNaNWithZeroSkill() {
        ErrorStats stats = new ErrorStats();

        assertThat(stats.count()).isZero();
        assertThat(stats.mae()).isNaN();
        assertThat(stats.rmse()).isNaN();
        assertThat(stats.naiveMae()).isNaN();
        assertThat(stats.skill()).isZero();
    }

    @Test
    void accumulatesMaeRmseAndSkillAgainstNaive() {
        ErrorStats stats = new ErrorStats();
        stats.add(1.0, 2.0);
        stats.add(-1.0, -2.0);
        stats.add(2.0, 2.0);

        assertThat(stats.count()).isEqualTo(3);
        assertThat(stats.mae()).isCloseTo(4.0 / 3, within(1e-12));
        assertThat(stats.mse()).isCloseTo(2.0, within(1e-12));
        assertThat(stats.rmse()).isCloseTo(Math.sqrt(2.0), within(1e-12));
        assertThat(stats.naiveMae()).isCloseTo(2.0, within(1e-12));
        assertThat(stats.naiveRmse()).isCloseTo(2.0, within(1e-12));
        assertThat(stats.skill()).isCloseTo(1 - 6.0 / 12, within(1e-12));
    }

    @Test
    void skillIsZeroWhenTheNaiveForecastIsPerfect() {
        ErrorStats stats = new ErrorStats();
        stats.add(0.5, 0.0);

        assertThat(stats.skill()).isZero();
    }
}
