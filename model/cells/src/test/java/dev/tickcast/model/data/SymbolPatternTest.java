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
}
