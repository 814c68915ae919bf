package dev.tickcast.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.tickcast.model.data.TickCsv.BadRow;
import dev.tickcast.schema.Tick;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TickCsvTest {

    private static final String GOOD = "ACME,2024-03-01T14:30:00Z,101.5,300";

    private static TickCsv.Result read(String... lines) throws IOException {
        return TickCsv.read(
                new java.io.ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    static Stream<Arguments> badRows() {
        return Stream.of(
                Arguments.of(
                        "three columns",
                        "ACME,2024-03-01T14:30:00Z,101.5",
                        "expected 4 columns (symbol,timestamp,price,volume), found 3"),
                Arguments.of("five columns", "ACME,2024-03-01T14:30:00Z,101.5,300,x", "expected 4 columns"),
                Arguments.of(
                        "bad timestamp",
                        "ACME,2024-13-01T14:30:00Z,101.5,300",
                        "timestamp '2024-13-01T14:30:00Z' is neither ISO-8601"),
                Arguments.of(
                        "date without time", "ACME,2024-03-01,101.5,300", "timestamp '2024-03-01' is neither ISO-8601"),
                Arguments.of("epoch ms too large", "ACME,99999999999999999999,101.5,300", "is neither ISO-8601"),
                Arguments.of(
                        "year past epoch milliseconds",
                        "ACME,+300000000-01-01T00:00:00Z,101.5,300",
                        "timestamp '+300000000-01-01T00:00:00Z' is outside the epoch-millisecond range"),
                Arguments.of("empty timestamp", "ACME,,101.5,300", "timestamp '' is neither ISO-8601"),
                Arguments.of("time before 1900", "ACME,1850-01-01T00:00:00Z,101.5,300", "BAD_TIME: "),
                Arguments.of("price not a number", "ACME,2024-03-01T14:30:00Z,abc,300", "price 'abc' is not a number"),
                Arguments.of("empty price", "ACME,2024-03-01T14:30:00Z,,300", "price '' is not a number"),
                Arguments.of(
                        "price 0",
                        "ACME,2024-03-01T14:30:00Z,0,300",
                        "BAD_PRICE: price 0.0 is not a finite number in [1.0E-15, 1.0E15]"),
                Arguments.of(
                        "negative price",
                        "ACME,2024-03-01T14:30:00Z,-1.5,300",
                        "BAD_PRICE: price -1.5 is not a finite number in [1.0E-15, 1.0E15]"),
                Arguments.of(
                        "NaN price",
                        "ACME,2024-03-01T14:30:00Z,NaN,300",
                        "BAD_PRICE: price NaN is not a finite number in [1.0E-15, 1.0E15]"),
                Arguments.of("infinite price", "ACME,2024-03-01T14:30:00Z,Infinity,300", "BAD_PRICE: price Infinity"),
                Arguments.of(
                        "volume not a number", "ACME,2024-03-01T14:30:00Z,101.5,lots", "volume 'lots' is not a number"),
                Arguments.of(
                        "negative volume",
                        "ACME,2024-03-01T14:30:00Z,101.5,-5",
                        "BAD_VOLUME: volume -5.0 is not a finite number >= 0"),
                Arguments.of("empty symbol", " ,2024-03-01T14:30:00Z,101.5,300", "BAD_SYMBOL: symbol is empty"),
                Arguments.of(
                        "symbol with a leading space (not trimmed, as on Kafka)",
                        " ACME,2024-03-01T14:30:00Z,101.5,300",
                        "BAD_SYMBOL: symbol has whitespace at its start or end"),
                Arguments.of(
                        "symbol with a bidi override",
                        "AC\u202eME,2024-03-01T14:30:00Z,101.5,300",
                        "BAD_SYMBOL: symbol has a control or invisible character U+202E at index 2"),
                Arguments.of(
                        "65-character symbol",
                        "A".repeat(65) + ",2024-03-01T14:30:00Z,101.5,300",
                        "BAD_SYMBOL: symbol is 65 characters, over the limit of 64"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRows")
    void refusesTheRowWithItsReasonAndLineNumber(String kind, String row, String reason) throws IOException {
        TickCsv.Result result = read(TickCsv.HEADER, GOOD, row, GOOD);

        assertThat(result.ticks()).hasSize(2);
        assertThat(result.badRows()).singleElement().satisfies(bad -> {
            assertThat(bad.line()).isEqualTo(3);
            assertThat(bad.reason()).contains(reason);
            assertThat(bad.text()).isEqualTo(row);
        });
    }

    @Test
    void acceptsA64CharacterSymbol() throws IOException {
        TickCsv.Result result = read("B".repeat(64) + ",2024-03-01T14:30:00Z,1,");

        assertThat(result.badRows()).isEmpty();
        assertThat(result.ticks()).singleElement().extracting(Tick::getSymbol).isEqualTo("B".repeat(64));
    }

    @Test
    void skipsTheHeaderAndBlankLinesButCountsThemInLineNumbers() throws IOException {
        TickCsv.Result result = read(
                "Symbol,Timestamp,Price,Volume",
                GOOD,
                "",
                "ACME,2024-03-01T14:30:01Z,0,1",
                "   ",
                "ACME,2024-03-01T14:30:02Z,-2,1",
                "symbol,timestamp,price,volume");

        assertThat(result.ticks()).hasSize(1);
        assertThat(result.badRows()).extracting(BadRow::line).containsExactly(4L, 6L, 7L);
        assertThat(result.badRows().get(2).reason())
                .as("a header after line 1 is just a bad row")
                .contains("timestamp");
    }

    @Test
    void readsTicksWithIsoOrEpochTimesAndOptionalVolume() throws IOException {
        TickCsv.Result result = read(
                "ACME,2024-03-01T14:30:00Z,101.5,300",
                "ACME, 1709303401000 , 101.75 , ",
                "BETA,2024-03-01T14:30:02.250Z,7,0");

        assertThat(result.badRows()).isEmpty();
        assertThat(result.ticks())
                .extracting(Tick::getSymbol, Tick::getEventTime, Tick::getPrice, Tick::getVolume)
                .containsExactly(
                        tuple("ACME", Instant.parse("2024-03-01T14:30:00Z"), 101.5, 300.0),
                        tuple("ACME", Instant.parse("2024-03-01T14:30:01Z"), 101.75, null),
                        tuple("BETA", Instant.parse("2024-03-01T14:30:02.250Z"), 7.0, 0.0));
    }

    @Test
    void aLineThatIsNotUtf8IsABadRowWithItsNumberAndTheOthersAreRead() throws IOException {
        byte[] latin1 = "ACM\u00c9,2024-03-01T14:30:00Z,101.5,300".getBytes(StandardCharsets.ISO_8859_1);
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        file.writeBytes((TickCsv.HEADER + "\r\n" + GOOD + "\r\n").getBytes(StandardCharsets.UTF_8));
        file.writeBytes(latin1);
        file.writeBytes(
                ("\n" + GOOD.replace("ACME", "ACMÉ")).getBytes(StandardCharsets.UTF_8)); // no newline at the end

        TickCsv.Result result = TickCsv.read(new java.io.ByteArrayInputStream(file.toByteArray()));

        assertThat(result.ticks()).extracting(t -> t.getSymbol()).containsExactly("ACME", "ACMÉ");
        assertThat(result.badRows()).singleElement().satisfies(bad -> {
            assertThat(bad.line()).isEqualTo(3);
            assertThat(bad.reason()).isEqualTo("not UTF-8 text (byte 0xC9 at byte 4 of the line)");
        });
    }

    @Test
    void aLineLongerThanTheBoundIsABadRowAndReadingGoesOn() throws IOException {
        String huge = "A".repeat(CsvLines.MAX_LINE_BYTES * 3);

        TickCsv.Result result = read(GOOD, huge, GOOD);

        assertThat(result.ticks()).hasSize(2);
        assertThat(result.badRows()).singleElement().satisfies(bad -> {
            assertThat(bad.line()).isEqualTo(2);
            assertThat(bad.reason()).isEqualTo("line longer than 65,536 bytes (196,608 bytes)");
            assertThat(bad.text()).hasSize(CsvLines.MAX_LINE_BYTES);
        });
    }

    @Test
    void aLineOfExactlyTheBoundIsReadWithEitherLineEnd() throws IOException {
        String longest = "A".repeat(CsvLines.MAX_LINE_BYTES);
        byte[] file = (longest + "\r\n" + longest + "\n" + longest + "A\r\n").getBytes(StandardCharsets.UTF_8);
        try (CsvLines lines = new CsvLines(new java.io.ByteArrayInputStream(file))) {
            assertThat(lines.next().text()).isEqualTo(longest);
            assertThat(lines.next().text()).isEqualTo(longest);
            assertThat(lines.next().error()).isEqualTo("line longer than 65,536 bytes (65,537 bytes)");
            assertThat(lines.next()).isNull();
        }
    }

    @Test
    void readsAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ticks.csv");
        Files.writeString(file, TickCsv.HEADER + "\n" + GOOD + "\nACME,x,1,1\n", StandardCharsets.UTF_8);

        TickCsv.Result result = TickCsv.read(file);

        assertThat(result.ticks()).hasSize(1);
        assertThat(result.badRows()).extracting(BadRow::line).containsExactly(3L);
        assertThat(result.badRows().get(0).toString()).startsWith("line 3: timestamp 'x'");
    }
}
