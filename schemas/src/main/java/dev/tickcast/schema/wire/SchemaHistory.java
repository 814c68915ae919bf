package dev.tickcast.schema.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Earlier versions of the schemas that have gained fields, shipped in the jar as
 * {@code avro/history/<Name>.v<N>.avsc} (N = 1, 2, ...). Values on a topic written by an older build carry
 * the older schema's fingerprint; with these, readers resolve them to today's classes (new fields take
 * their defaults) instead of refusing them as another schema.
 */
final class SchemaHistory {

    private static final String DIR = "/avro/history/";

    private SchemaHistory() {}

    static List<Schema> earlierVersions(Schema current) {
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            try (InputStream in =
                    SchemaHistory.class.getResourceAsStream(DIR + current.getName() + ".v" + v + ".avsc")) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the schema history of " + current.getFullName(), e);
            }
        }
    }
}
