package dev.tickcast.cli.common;

import dev.tickcast.model.data.TickCsv;
import dev.tickcast.model.data.TickRejection;
import dev.tickcast.model.data.TickRules;
import dev.tickcast.schema.Tick;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Reading a tick file for a command: a CSV (the bundle's format) or an Avro object container file of
 * Tick records, told apart by the container's magic bytes. Bad rows are reported with their line (or
 * record) numbers; a file without a usable row is refused.
 */
public final class TickFiles {

    private static final int SHOWN_BAD_ROWS = 10;

    private TickFiles() {}

    public static TickCsv.Result read(Path file, PrintWriter err) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("no tick file at " + file.toAbsolutePath() + " (expected a CSV with columns "
                    + TickCsv.HEADER + " or an Avro container file of Tick records)");
        }
        boolean avro = isAvroContainer(file);
        TickCsv.Result result;
        try {
            result = avro ? readAvro(file) : TickCsv.read(file);
        } catch (IOException | AvroRuntimeException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        }
        String unit = avro ? "record " : "line ";
        if (!result.badRows().isEmpty()) {
            err.printf("%s: %d bad %s skipped:%n", file, result.badRows().size(), avro ? "record(s)" : "row(s)");
            result.badRows().stream()
                    .limit(SHOWN_BAD_ROWS)
                    .forEach(r -> err.println("  " + unit + r.toString().substring("line ".length())));
            if (result.badRows().size() > SHOWN_BAD_ROWS) {
                err.printf("  ... and %d more%n", result.badRows().size() - SHOWN_BAD_ROWS);
            }
            err.flush();
        }
        if (result.ticks().isEmpty()) {
            throw new UserException(
                    file + " has no usable row (" + result.badRows().size() + " bad); expected "
                            + (avro ? "Tick records" : "columns " + TickCsv.HEADER));
        }
        return result;
    }

    /** Avro container files start with "Obj" 1; no CSV of ticks can. */
    public static boolean isAvroContainer(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(DataFileConstants.MAGIC.length), DataFileConstants.MAGIC);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Tick records in file order; a record whose fields break the tick rules is a bad row numbered from 1. */
    private static TickCsv.Result readAvro(Path file) throws IOException {
        List<Tick> ticks = new ArrayList<>();
        List<TickCsv.BadRow> bad = new ArrayList<>();
        try (DataFileReader<Tick> reader = new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(Tick.class))) {
            String written = reader.getSchema().getFullName();
            if (!written.equals(Tick.getClassSchema().getFullName())) {
                throw new UserException(file + " is an Avro file of " + written + " records, not "
                        + Tick.getClassSchema().getFullName());
            }
            long n = 0;
            for (Tick t : reader) {
                n++;
                Double volume = t.getVolume();
                TickRejection r = TickRules.checkFields(
                        t.getSymbol().toString(),
                        t.getEventTime().toEpochMilli(),
                        t.getPrice(),
                        volume,
                        Long.MAX_VALUE);
                if (r == null) {
                    ticks.add(t);
                } else {
                    bad.add(new TickCsv.BadRow(n, r.reason() + ": " + r.detail(), t.toString()));
                }
            }
        }
        return new TickCsv.Result(ticks, bad);
    }
}
