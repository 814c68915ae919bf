package dev.tickcast.model.data;

import dev.tickcast.schema.Tick;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads tick CSV files ({@code symbol,timestamp,price,volume}; header optional; timestamp ISO-8601
 * or epoch milliseconds; volume may be empty). Every row that cannot be a tick is kept as a
 * {@link BadRow} with its line number, never silently dropped.
 */
public final class TickCsv {

    public static final String HEADER = "symbol,timestamp,price,volume";

    /** A row that was refused. */
    public record BadRow(long line, String reason, String text) {
        @Override
        public String toString() {
            return "line " + line + ": " + reason + " [" + (text.length() > 80 ? text.substring(0, 80) + "…" : text)
                    + "]";
        }
    }

    /** The ticks in file order and the refused rows. */
    public record Result(List<Tick> ticks, List<BadRow> badRows) {}

    private TickCsv() {}

    public static Result read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /** Reads line by line ({@link CsvLines}): a line that is not UTF-8 text, or is too long, is a bad row. */
    public static Result read(InputStream in) throws IOException {
        List<Tick> ticks = new ArrayList<>();
        List<BadRow> bad = new ArrayList<>();
        CsvLines lines = new CsvLines(in);
        for (CsvLines.Line line; (line = lines.next()) != null; ) {
            if (line.text() == null) {
                bad.add(new BadRow(line.number(), line.error(), new String(line.raw(), StandardCharsets.UTF_8)));
            } else {
                accept(line.number(), line.text(), ticks, bad);
            }
        }
        return new Result(ticks, bad);
    }

    private static void accept(long lineNo, String line, List<Tick> ticks, List<BadRow> bad) {
        if (line.isBlank() || (lineNo == 1 && isHeader(line))) {
            return;
        }
        Object parsed = parse(line);
        if (parsed instanceof Tick tick) {
            ticks.add(tick);
        } else {
            bad.add(new BadRow(lineNo, (String) parsed, line));
        }
    }

    /** One line read: a tick, or why it is not one. */
    public record Row(Tick tick, String error) {}

    /** Parses one data line (not the header), with the field checks of {@link TickRules}. */
    public static Row parseRow(String line) {
        return row(parse(line, true));
    }

    /**
     * Parses one data line into a tick without judging its values (price, volume, symbol, time), for a
     * reader that leaves those checks to the job so that they get the job's reason codes.
     */
    public static Row parseStructure(String line) {
        return row(parse(line, false));
    }

    private static Row row(Object parsed) {
        return parsed instanceof Tick tick ? new Row(tick, null) : new Row(null, (String) parsed);
    }

    /** Whether a line is the optional header. */
    public static boolean isHeader(String line) {
        return line.trim().toLowerCase().startsWith("symbol,");
    }

    /** A Tick, or the reason (a String) the line is not one. */
    static Object parse(String line) {
        return parse(line, true);
    }

    private static Object parse(String line, boolean checkFields) {
        String[] cols = line.split(",", -1);
        if (cols.length != 4) {
            return "expected 4 columns (" + HEADER + "), found " + cols.length;
        }
        String symbol = cols[0]; // not trimmed: the symbol rule (TickRules) is the same as on Kafka
        long timeMs;
        try {
            String ts = cols[1].trim();
            timeMs = ts.chars().allMatch(Character::isDigit) && !ts.isEmpty()
                    ? Long.parseLong(ts)
                    : Instant.parse(ts).toEpochMilli();
        } catch (DateTimeParseException | NumberFormatException e) {
            return "timestamp '" + cols[1] + "' is neither ISO-8601 (2013-11-25T10:00:00Z) nor epoch milliseconds";
        } catch (ArithmeticException e) {
            return "timestamp '" + cols[1]
                    + "' is outside the epoch-millisecond range (the years -292,275,055 to 292,278,994)";
        }
        double price;
        Double volume = null;
        try {
            price = Double.parseDouble(cols[2].trim());
        } catch (NumberFormatException e) {
            return "price '" + cols[2] + "' is not a number";
        }
        if (!cols[3].isBlank()) {
            try {
                volume = Double.parseDouble(cols[3].trim());
            } catch (NumberFormatException e) {
                return "volume '" + cols[3] + "' is not a number";
            }
        }
        TickRejection rejection =
                checkFields ? TickRules.checkFields(symbol, timeMs, price, volume, Long.MAX_VALUE) : null;
        if (rejection != null) {
            return rejection.reason() + ": " + rejection.detail();
        }
        return Tick.newBuilder()
                .setSymbol(symbol)
                .setEventTime(Instant.ofEpochMilli(timeMs))
                .setPrice(price)
                .setVolume(volume)
                .build();
    }
}
