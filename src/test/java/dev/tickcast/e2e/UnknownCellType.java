package dev.tickcast.e2e;

import dev.tickcast.schema.ModelUpdate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * A ModelUpdate as a newer writer would send it, with a cell type this build does not know: written with
 * a copy of the schema whose CellType enum has one more symbol.
 */
final class UnknownCellType {

    private UnknownCellType() {}

    static byte[] encode(ModelUpdate model, String cellType) throws IOException {
        String json = ModelUpdate.getClassSchema().toString().replace("\"GRU\"]", "\"GRU\",\"" + cellType + "\"]");
        Schema newer = new Schema.Parser().parse(json);
        // Re-read the record's bytes as a generic record of the newer schema, then set the unknown symbol.
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().binaryEncoder(buffer, null);
        new SpecificDatumWriter<>(ModelUpdate.class).write(model, encoder);
        encoder.flush();
        GenericRecord record = new GenericDatumReader<GenericRecord>(ModelUpdate.getClassSchema(), newer)
                .read(null, DecoderFactory.get().binaryDecoder(buffer.toByteArray(), null));
        record.put(
                "cell_type",
                new GenericData.EnumSymbol(newer.getField("cell_type").schema(), cellType));
        java.nio.ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(record);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }
}
