package dev.tickcast.model.feature;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Log1p} gives StrictMath.log1p's bits: the features, and with them every forecast, depend on it. */
class Log1pTest {

    @Test
    void specialValues() {
        double[] values = {
            0.0,
            -0.0,
            -1.0,
            Math.nextUp(-1.0),
            Math.nextDown(-1.0),
            -2.0,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE,
            -Double.MIN_VALUE,
            Double.MIN_NORMAL,
            Double.MAX_VALUE,
            -Double.MAX_VALUE,
            1.0,
            0.5,
            -0.5,
            Math.sqrt(2) - 1,
            Math.sqrt(0.5) - 1,
            0x1p-54,
            0x1p-29,
            -0x1p-29,
            0x1p53,
            0x1p54,
            0x1p60
        };
        for (double x : values) {
            assertSame(x);
        }
        assertThat(Log1p.of(-1.0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Log1p.of(-2.0)).isNaN();
        assertThat(Double.doubleToRawLongBits(Log1p.of(-0.0))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void everyBinadeOfBothSigns() {
        SplittableRandom random = new SplittableRandom(11);
        for (int exponent = -1074; exponent <= 1023; exponent++) {
            for (int i = 0; i < 400; i++) {
                double x = Math.scalb(1 + random.nextDouble(), exponent);
                assertSame(x);
                assertSame(-x);
            }
        }
    }

    /** Just below, at and above each threshold the algorithm branches on, and 1 + x near every power of two. */
    @Test
    void branchBoundaries() {
        int[] highWords = {0x3FDA827A, 0x3e200000, 0x3c900000, 0xbfd2bec3, 0x43400000, 0x3ff00000, 0x7ff00000};
        SplittableRandom random = new SplittableRandom(5);
        for (int high : highWords) {
            for (int delta = -3; delta <= 3; delta++) {
                long bits = (long) (high + delta) << 32;
                for (int i = 0; i < 200; i++) {
                    assertSame(Double.longBitsToDouble(bits | (random.nextLong() & 0xffffffffL)));
                }
                assertSame(Double.longBitsToDouble(bits));
                assertSame(Double.longBitsToDouble(bits | 0xffffffffL));
            }
        }
        for (int k = -60; k <= 70; k++) {
            double x = Math.scalb(1.0, k) - 1;
            for (int ulps = -20; ulps <= 20; ulps++) {
                double y = x;
                for (int u = 0; u < Math.abs(ulps); u++) {
                    y = ulps < 0 ? Math.nextDown(y) : Math.nextUp(y);
                }
                assertSame(y);
            }
            // 1 + x with the mantissa's top bits at the √2 normalisation boundary (0x6a09e)
            for (int m = 0x6a09e - 2; m <= 0x6a09e + 2; m++) {
                double u = Double.longBitsToDouble(((long) (0x3ff00000 | m)) << 32);
                assertSame(Math.scalb(u, k) - 1);
            }
        }
    }

    /** The values the features take: gaps in milliseconds as seconds, and volumes. */
    @Test
    void featureInputs() {
        for (long ms = 0; ms <= 2_000_000; ms++) {
            assertSame(ms / 1000.0);
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1_000_000; i++) {
            assertSame(Math.floor(random.nextDouble() * 1e9));
            assertSame(random.nextDouble() * 1e4);
        }
    }

    private static void assertSame(double x) {
        long expected = Double.doubleToRawLongBits(StrictMath.log1p(x));
        long actual = Double.doubleToRawLongBits(Log1p.of(x));
        if (expected != actual && !(Double.isNaN(StrictMath.log1p(x)) && Double.isNaN(Log1p.of(x)))) {
            assertThat(Log1p.of(x))
                    .as("log1p(%s) = %s (bits %x)", Double.toHexString(x), StrictMath.log1p(x), expected)
                    .isEqualTo(StrictMath.log1p(x));
        }
    }
}
