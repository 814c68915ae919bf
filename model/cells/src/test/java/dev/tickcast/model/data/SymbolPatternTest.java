package dev.tickcast.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SymbolPatternTest {

    @Test
    void starAndQuestionMarkAreWildcardsAndTheRestIsLiteral() {
        assertThat(SymbolPattern.of("BITSTAMP:*").matches("BITSTAMP:BTCUSD")).isTrue();
        assertThat(SymbolPattern.of("BITSTAMP:*").matches("XBITSTAMP:BTCUSD")).isFalse();
        assertThat(SymbolPattern.of("FX:USD???").matches("FX:USDCHF")).isTrue();
        assertThat(SymbolPattern.of("FX:USD???").matches("FX:USDCH")).isFalse();
        assertThat(SymbolPattern.of("A.B").matches("AxB")).as("a dot is a dot").isFalse();
        assertThat(SymbolPattern.of("(x)+[y]").matches("(x)+[y]")).isTrue();
        assertThat(SymbolPattern.of("*").matches("")).isTrue();
    }

    @Test
    void aListMatchesWhenAnyPatternDoes() {
        List<SymbolPattern> list = SymbolPattern.list("BITSTAMP:*, FX:*");
        assertThat(SymbolPattern.anyMatches(list, "FX:USDTHB")).isTrue();
        assertThat(SymbolPattern.anyMatches(list, "IDX:SPX")).isFalse();
        assertThat(list).extracting(Object::toString).containsExactly("BITSTAMP:*", "FX:*");
    }

    @Test
    void emptyAndBlankPatternsAreRefusedNamingThem() {
        assertThatThrownBy(() -> SymbolPattern.list("A:*,,B:*"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty symbol pattern");
        assertThatThrownBy(() -> SymbolPattern.of("A B"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'A B'");
    }

    @Test
    void matchingIsTheSameAsARegexButNeverBacktracksExponentially() {
        String[] patterns = {"*", "a*", "*a", "a*b", "*a*b*", "a?c", "??", "*?*", "ab*ab", "a*a*a", "*:*", "x"};
        String[] symbols = {"", "a", "ab", "abc", "aab", "abab", "ababab", "a:b", "xa", "aaa", "x"};
        for (String p : patterns) {
            java.util.regex.Pattern regex =
                    java.util.regex.Pattern.compile(p.replace("?", ".").replace("*", ".*"));
            for (String s : symbols) {
                assertThat(SymbolPattern.of(p).matches(s))
                        .as("%s on '%s'", p, s)
                        .isEqualTo(regex.matcher(s).matches());
            }
        }
        // A pattern that takes a backtracking regex ~10^16 steps on this symbol: here, at most 128 × 64.
        SymbolPattern hostile = SymbolPattern.of("*a".repeat(20) + "b");
        long start = System.nanoTime();
        assertThat(hostile.matches("a".repeat(64))).isFalse();
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
        assertThatThrownBy(() -> SymbolPattern.of("*".repeat(129))).hasMessageContaining("at most 128");
    }
}
