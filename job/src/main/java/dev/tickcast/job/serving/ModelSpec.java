package dev.tickcast.job.serving;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code --model} entry: a model file, and optionally the event time it serves from ({@code FILE@TIME}, TIME in
 * ISO-8601, e.g. {@code models/v3.avro@2013-11-28T00:00:00Z}), parsed once where the options are read.
 *
 * @param effectiveTime null: serves from the start
 */
public record ModelSpec(String file, Instant effectiveTime) implements Serializable {

    /** Comma-separated entries, as {@code --model} and {@code backfill --model} take them; empty for null or blank. */
    public static List<ModelSpec> parseList(String specs) {
        if (specs == null || specs.isBlank()) {
            return List.of();
        }
        List<ModelSpec> parsed = new ArrayList<>();
        for (String spec : specs.split(",", -1)) {
            parsed.add(parse(spec));
        }
        return List.copyOf(parsed);
    }

    /**
     * {@code FILE} or {@code FILE@TIME}: the part after the last {@code @} is a time when it starts with a digit (a
     * year), so a file name with an {@code @} in it (e.g. {@code models/v3@eu.avro}) stays whole.
     *
     * @throws IllegalArgumentException an empty file name or a time that is not ISO-8601
     */
    public static ModelSpec parse(String spec) {
        String text = spec.trim();
        int at = text.lastIndexOf('@');
        boolean timed = at >= 0 && at + 1 < text.length() && Character.isDigit(text.charAt(at + 1));
        String file = (timed ? text.substring(0, at) : text).trim();
        if (file.isEmpty()) {
            throw new IllegalArgumentException("--model: an entry without a file name in '" + spec + "'");
        }
        Instant effective = null;
        if (timed) {
            String time = text.substring(at + 1).trim();
            try {
                effective = Instant.parse(time);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "--model " + text + ": '" + time + "' is not an ISO-8601 time such as 2013-11-28T00:00:00Z");
            }
        }
        return new ModelSpec(file, effective);
    }

    public Path path() {
        return Path.of(file);
    }

    @Override
    public String toString() {
        return effectiveTime == null ? file.toString() : file + "@" + effectiveTime;
    }
}
