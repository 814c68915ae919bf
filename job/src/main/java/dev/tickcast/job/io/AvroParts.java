package dev.tickcast.job.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The backfill's output: the FileSink's committed part files of one kind merged into one Avro container
 * file, subtask by subtask and part by part, so that each symbol's records stay in the order the job
 * made them (a symbol lives on one subtask).
 */
public final class AvroParts {

    /** FileSink part names: {@code <prefix>-<writer uuid>-<counter>.avro}, one writer uuid per subtask. */
    private static final Pattern PART = Pattern.compile("^[a-z]+-(.+)-(\\d+)\\.avro$");

    private AvroParts() {}

    /** Committed part files of {@code prefix} in {@code dir}, grouped by writer (subtask), each in counter order. */
    static List<Path> parts(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix + "-")
                            && PART.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing((Path p) -> group(p, 1))
                            .thenComparingLong(p -> Long.parseLong(group(p, 2))))
                    .toList();
        }
    }

    private static String group(Path p, int group) {
        Matcher m = PART.matcher(p.getFileName().toString());
        m.matches();
        return m.group(group);
    }

    /**
     * Reads every record of the parts in order, hands each to {@code each}, writes them to {@code merged}, deletes the
     * parts.
     */
    public static <T extends SpecificRecordBase> long merge(
            Path dir, String prefix, Class<T> type, Path merged, Consumer<T> each) throws IOException {
        long count = 0;
        T schemaCarrier;
        try {
            schemaCarrier = type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type + " is not an Avro specific record", e);
        }
        List<Path> parts = parts(dir, prefix);
        try (DataFileWriter<T> writer = new DataFileWriter<>(new SpecificDatumWriter<>(type))) {
            writer.create(schemaCarrier.getSchema(), merged.toFile());
            for (Path part : parts) {
                try (DataFileReader<T> reader = new DataFileReader<>(part.toFile(), new SpecificDatumReader<>(type))) {
                    for (T record : reader) {
                        writer.append(record);
                        each.accept(record);
                        count++;
                    }
                }
            }
        }
        for (Path part : parts) {
            Files.delete(part);
        }
        return count;
    }
}
