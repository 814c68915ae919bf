package dev.tickcast.cli.command;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as people type them on a command line: {@code 500ms}, {@code 1s}, {@code 2m}, {@code 1h}, {@code 0}, or ISO
 * {@code PT1S}.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?");

    @Override
    public Duration convert(String value) {
        Matcher m = SIMPLE.matcher(value.trim().toLowerCase());
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = amount
                    * switch (unit) {
                        case "ms" -> 1;
                        case "m" -> 60_000;
                        case "h" -> 3_600_000;
                        case "d" -> 86_400_000;
                        default -> 1_000;
                    };
            return Duration.ofNanos(Math.round(millis * 1e6));
        }
        try {
            return Duration.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new TypeConversionException(
                    "'" + value + "' is not a duration; write e.g. 500ms, 1s, 2m, 1h or PT1S");
        }
    }
}
