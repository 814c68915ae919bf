package dev.tickcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.DeadLetterReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter reasons users read about are exactly the ones the code gives: the table in docs/job.md and the schema's
 * doc.
 */
class DocumentedReasonsTest {

    private static final Path ROOT = Files.isDirectory(Path.of("../schemas")) ? Path.of("..") : Path.of(".");
    private static final List<String> REASONS =
            Arrays.stream(DeadLetterReason.values()).map(Enum::name).toList();

    @Test
    void theReadmeTableListsEveryReasonOnce() throws Exception {
        String readme = Files.readString(ROOT.resolve("docs/job.md"));
        int table = readme.indexOf("| reason | when |");
        assertThat(table).as("the dead-letter table of docs/job.md").isPositive();
        List<String> rows = readme.substring(table)
                .lines()
                .skip(2)
                .takeWhile(l -> l.startsWith("|"))
                .toList();
        List<String> listed = rows.stream()
                .flatMap(row -> codes(row.substring(0, row.indexOf('|', 1))).stream())
                .toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(REASONS);
    }

    @Test
    void theSchemaDocListsEveryReason() {
        String doc = DeadLetter.getClassSchema().getField("reason").doc();
        assertThat(codes(doc.substring(doc.indexOf("one of:")))).containsExactlyElementsOf(REASONS);
    }

    private static List<String> codes(String text) {
        Matcher m = Pattern.compile("\\b[A-Z][A-Z_]{2,}\\b").matcher(text);
        return m.results()
                .map(r -> r.group())
                .filter(code -> !code.equals("README"))
                .toList();
    }
}
