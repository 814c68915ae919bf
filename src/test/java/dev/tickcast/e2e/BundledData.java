package dev.tickcast.e2e;

import dev.tickcast.model.data.TickCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The project's bundled real tick data (data/ticks.csv), found from the e2e module or the repository root. */
final class BundledData {

    private BundledData() {}

    static Path path() {
        for (Path candidate : new Path[] {Path.of("../data/ticks.csv"), Path.of("data/ticks.csv")}) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "data/ticks.csv not found from " + Path.of("").toAbsolutePath());
    }

    static TickCsv.Result read() throws IOException {
        TickCsv.Result result = TickCsv.read(path());
        if (!result.badRows().isEmpty()) {
            throw new IllegalStateException("bundled data has bad rows: " + result.badRows());
        }
        return result;
    }
}
