package dev.tickcast.cli.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Avro records as plain JSON, one line each: field names as in the schema, unions without Avro's
 * {"type": value} wrapping, timestamps as ISO-8601, and bytes shortened to their length and a hex
 * prefix so that a model's weights do not print as megabytes of text.
 */
public final class RecordJson {

    public static final int HEX_PREFIX_BYTES = 32;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RecordJson() {}

    public static String line(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    public static ObjectNode of(IndexedRecord record) {
        ObjectNode node = NODES.objectNode();
        for (Schema.Field f : record.getSchema().getFields()) {
            node.set(f.name(), value(record.get(f.pos())));
        }
        return node;
    }

    public static JsonNode value(Object v) {
        if (v == null) {
            return NODES.nullNode();
        } else if (v instanceof IndexedRecord r) {
            return of(r);
        } else if (v instanceof CharSequence s) {
            return NODES.textNode(s.toString());
        } else if (v instanceof Double d) {
            // JSON has no NaN or Infinity: write them as strings rather than invalid JSON.
            return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(d.toString());
        } else if (v instanceof Float f) {
            return Float.isFinite(f) ? NODES.numberNode(f) : NODES.textNode(f.toString());
        } else if (v instanceof Integer i) {
            return NODES.numberNode(i);
        } else if (v instanceof Long l) {
            return NODES.numberNode(l);
        } else if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (v instanceof Instant t) {
            return NODES.textNode(t.toString());
        } else if (v instanceof ByteBuffer b) {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            return bytes(bytes);
        } else if (v instanceof byte[] b) {
            return bytes(b);
        } else if (v instanceof Collection<?> c) {
            ArrayNode array = NODES.arrayNode();
            c.forEach(e -> array.add(value(e)));
            return array;
        } else if (v instanceof Map<?, ?> m) {
            ObjectNode map = NODES.objectNode();
            m.forEach((k, e) -> map.set(k.toString(), value(e)));
            return map;
        }
        return NODES.textNode(v.toString()); // enums and anything else Avro may hand out
    }

    /** {"length": 18000, "hex": "c301…"}: the first bytes are what tells a format apart. */
    public static ObjectNode bytes(byte[] bytes) {
        ObjectNode node = NODES.objectNode();
        node.put("length", bytes.length);
        int shown = Math.min(bytes.length, HEX_PREFIX_BYTES);
        node.put("hex", HexFormat.of().formatHex(bytes, 0, shown) + (shown < bytes.length ? "…" : ""));
        return node;
    }
}
