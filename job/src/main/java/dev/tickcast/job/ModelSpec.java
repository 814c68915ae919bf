package dev.tickcast.job;

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
        List<ModelSpec> parsed = new ArrayList<>();
        if (specs == null || specs.isBlank()) {
            return parsed;
        }
        for (String spec : specs.split(",")) {
            parsed.add(parse(spec.trim()));
        }
        return List.copyOf(parsed);
    }

    /** @throws IllegalArgumentException an empty file name or a time that is not ISO-8601 */
    public static ModelSpec parse(String spec) {
        int at = spec.lastIndexOf('@');
        String file = at >= 0 ? spec.substring(0, at) : spec;
        if (file.isBlank()) {
            throw new IllegalArgumentException("--model: an entry without a file name in '" + spec + "'");
        }
        Instant effective = null;
        if (at >= 0) {
            try {
                effective = Instant.parse(spec.substring(at + 1));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--model " + spec + ": '" + spec.substring(at + 1)
                        + "' is not an ISO-8601 time such as 2013-11-28T00:00:00Z");
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
