package dev.tickcast.model.data;

import dev.tickcast.schema.DeadLetterReason;
import java.time.Instant;

/**
 * What makes a tick usable, decided in one place for the CSV reader, the backtest and the Flink job.
 * Each rule returns a {@link TickRejection} with its reason code, or null when the tick passes. The checks against a
 * symbol's last tick (order, duplicates) need its state and are {@code model.forecast.TickOrder}'s.
 */
public final class TickRules {

    public static final int MAX_SYMBOL_LENGTH = 64;
    /**
     * Accepted prices: wide enough for any real quote (a sub-micro-cent token, bitcoin in rials), narrow enough
     * that a symbol's squared errors and running sums stay finite (1e200 squared is infinite).
     */
    public static final double MIN_PRICE = 1e-15;

    public static final double MAX_PRICE = 1e15;
    /** Earliest accepted event time: price history before 1900 is not a tick feed. */
    public static final long EARLIEST_TIME_MS =
            Instant.parse("1900-01-01T00:00:00Z").toEpochMilli();

    private TickRules() {}

    /**
     * Field checks.
     *
     * @param latestTimeMs latest accepted event time (the job passes now + its tolerance)
     */
    public static TickRejection checkFields(
            String symbol, long timeMs, double price, Double volume, long latestTimeMs) {
        if (symbol == null || symbol.isBlank()) {
            return new TickRejection(DeadLetterReason.BAD_SYMBOL, "symbol is empty");
        }
        if (symbol.length() > MAX_SYMBOL_LENGTH) {
            return new TickRejection(
                    DeadLetterReason.BAD_SYMBOL,
                    "symbol is " + symbol.length() + " characters, over the limit of " + MAX_SYMBOL_LENGTH);
        }
        String badCharacter = symbolCharacterProblem(symbol);
        if (badCharacter != null) {
            return new TickRejection(DeadLetterReason.BAD_SYMBOL, badCharacter);
        }
        if (!(price >= MIN_PRICE && price <= MAX_PRICE)) {
            return new TickRejection(
                    DeadLetterReason.BAD_PRICE,
                    "price " + price + " is not a finite number in [" + MIN_PRICE + ", " + MAX_PRICE + "]");
        }
        if (volume != null && (!Double.isFinite(volume) || volume < 0)) {
            return new TickRejection(DeadLetterReason.BAD_VOLUME, "volume " + volume + " is not a finite number >= 0");
        }
        if (timeMs < EARLIEST_TIME_MS || timeMs > latestTimeMs) {
            return new TickRejection(
                    DeadLetterReason.BAD_TIME,
                    "event time " + timeMs + " ms is outside [" + Instant.ofEpochMilli(EARLIEST_TIME_MS) + ", "
                            + Instant.ofEpochMilli(latestTimeMs) + "]");
        }
        return null;
    }

    /**
     * Symbols are printable text: no control characters (NUL, newlines, ESC), no invisible format characters
     * (bidi overrides, zero-width spaces), no unpaired surrogates, private-use or unassigned code points, and no
     * whitespace at either end. Otherwise {@code "BTC"}, {@code "BTC "} and {@code "B\u200BTC"} would be three symbols
     * that print alike. The same rule holds for Kafka and for CSV files (which do not trim the symbol).
     *
     * @return what is wrong, or null
     */
    static String symbolCharacterProblem(String symbol) {
        if (Character.isWhitespace(symbol.codePointAt(0))
                || Character.isSpaceChar(symbol.codePointAt(0))
                || Character.isWhitespace(symbol.codePointBefore(symbol.length()))
                || Character.isSpaceChar(symbol.codePointBefore(symbol.length()))) {
            return "symbol has whitespace at its start or end";
        }
        for (int i = 0; i < symbol.length(); ) {
            int c = symbol.codePointAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c)
                    || type == Character.FORMAT
                    || type == Character.SURROGATE
                    || type == Character.PRIVATE_USE
                    || type == Character.UNASSIGNED
                    || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                return String.format("symbol has a control or invisible character U+%04X at index %d", c, i);
            }
            i += Character.charCount(c);
        }
        return null;
    }
}
