package dev.tickcast.cli;

import dev.tickcast.model.data.TickCsv;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading a tick CSV for a command: bad rows reported with line numbers, an unusable file refused. */
final class TickFiles {

    private static final int SHOWN_BAD_ROWS = 10;

    private TickFiles() {}

    static TickCsv.Result read(Path file, PrintWriter err) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("no tick CSV at " + file.toAbsolutePath() + " (expected columns " + TickCsv.HEADER + ")");
        }
        TickCsv.Result result;
        try {
            result = TickCsv.read(file);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        }
        if (!result.badRows().isEmpty()) {
            err.printf("%s: %d bad row(s) skipped:%n", file, result.badRows().size());
            result.badRows().stream().limit(SHOWN_BAD_ROWS).forEach(r -> err.println("  " + r));
            if (result.badRows().size() > SHOWN_BAD_ROWS) {
                err.printf("  ... and %d more%n", result.badRows().size() - SHOWN_BAD_ROWS);
            }
        }
        if (result.ticks().isEmpty()) {
            throw new UserException(file + " has no usable row (" + result.badRows().size() + " bad); expected columns "
                    + TickCsv.HEADER);
        }
        return result;
    }
}
