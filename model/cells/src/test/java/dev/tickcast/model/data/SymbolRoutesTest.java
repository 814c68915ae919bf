package dev.tickcast.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import org.junit.jupiter.api.Test;

class SymbolRoutesTest {

    @Test
    void theFirstMatchingRouteWins() {
        SymbolRoutes routes = SymbolRoutes.parse("BITSTAMP:*=crypto, FX:*=fx ,BITSTAMP:BTC*=never,*=default");
        assertThat(routes.lineOf("BITSTAMP:BTCUSD")).isEqualTo("crypto");
        assertThat(routes.lineOf("FX:USDCHF")).isEqualTo("fx");
        assertThat(routes.lineOf("SP2001:IBM")).isEqualTo("default");
        assertThat(routes.lineOf("SP2001:IBM")).as("cached").isEqualTo("default");
        assertThat(routes.lines()).containsExactly("crypto", "fx", "never", "default");
        assertThat(routes).hasToString("BITSTAMP:*=crypto,FX:*=fx,BITSTAMP:BTC*=never,*=default");
        assertThat(SymbolRoutes.of(routes.toRecords())).hasToString(routes.toString());
    }

    @Test
    void aSymbolNoRouteMatchesHasNoLine() {
        SymbolRoutes routes = SymbolRoutes.parse("FX:USD???=fx");
        assertThat(routes.lineOf("FX:USDCHF")).isEqualTo("fx");
        assertThat(routes.lineOf("FX:USDCHFX")).isNull();
        assertThat(routes.lineOf("FX:USDCHFX")).isNull();
        assertThat(SymbolRoutes.single("default").lineOf("anything")).isEqualTo("default");
    }

    @Test
    void badRoutesSayHowToWriteThem() {
        assertThatThrownBy(() -> SymbolRoutes.parse("")).hasMessageContaining("PATTERN=LINE");
        assertThatThrownBy(() -> SymbolRoutes.parse("BITSTAMP:*")).hasMessageContaining("is not PATTERN=LINE");
        assertThatThrownBy(() -> SymbolRoutes.parse("*=")).hasMessageContaining("is not PATTERN=LINE");
        assertThatThrownBy(() -> SymbolRoutes.parse("=x")).hasMessageContaining("is not PATTERN=LINE");
        assertThatThrownBy(() -> SymbolRoutes.parse("*=a#b")).hasMessageContaining("has '#'");
        assertThatThrownBy(() -> SymbolRoutes.parse("A B=x")).hasMessageContaining("blank");
        assertThatThrownBy(() -> SymbolRoutes.parse("*=" + "x".repeat(129))).hasMessageContaining("1 to 128");
        assertThatThrownBy(() -> SymbolRoutes.parse(String.join(",", Collections.nCopies(65, "*=x"))))
                .hasMessageContaining("1 to 64");
    }
}
