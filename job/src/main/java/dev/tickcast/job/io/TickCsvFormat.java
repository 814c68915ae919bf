package dev.tickcast.job.io;

import dev.tickcast.job.types.Streams;
import dev.tickcast.model.data.CsvLines;
import dev.tickcast.model.data.TickCsv;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.internal.RawRecord;
import dev.tickcast.schema.wire.WireCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads a tick CSV file (the bundle's format) for the backfill mode as the same {@link RawRecord}s the
 * Kafka source gives: each row becomes a wire-encoded Tick with the file as "topic" and the line number
 * as "offset", so the rest of the job is the streaming job unchanged (its decoder checks the values and
 * gives the same reason codes as for Kafka). A row that cannot be read as a tick at all (columns, number
 * or time format) keeps its bytes and says why in {@code error}; the decoder dead-letters it as BAD_ROW. Not
 * splittable: one
 * reader per file keeps each symbol's ticks in file order.
 */
public final class TickCsvFormat extends SimpleStreamFormat<RawRecord> {

    private static final long serialVersionUID = 1L;

    private final String sourceName;

    /** @param sourceName what dead letters and the record's "topic" call this input, e.g. "file:ticks.csv" */
    public TickCsvFormat(String sourceName) {
        this.sourceName = sourceName;
    }

    @Override
    public Reader<RawRecord> createReader(Configuration config, FSDataInputStream stream) {
        CsvLines lines = new CsvLines(stream);
        WireCodec<Tick> codec = WireCodec.of(Tick.class);
        return new Reader<>() {
            @Override
            public RawRecord read() throws IOException {
                CsvLines.Line line;
                while ((line = lines.next()) != null) {
                    String text = line.text();
                    if (text != null && (text.isBlank() || (line.number() == 1 && TickCsv.isHeader(text)))) {
                        continue;
                    }
                    RawRecord.Builder record = RawRecord.newBuilder()
                            .setTopic(sourceName)
                            .setPartition(0)
                            .setOffset(line.number());
                    // values are checked by the job's decoder, as for Kafka
                    TickCsv.Row row = text == null ? new TickCsv.Row(null, line.error()) : TickCsv.parseStructure(text);
                    if (row.tick() != null) {
                        return record.setKey(
                                        ByteBuffer.wrap(WireCodec.key(row.tick().getSymbol())))
                                .setValue(ByteBuffer.wrap(codec.encode(row.tick())))
                                .build();
                    }
                    return record.setValue(ByteBuffer.wrap(line.raw()))
                            .setError("line " + line.number() + ": " + row.error())
                            .build();
                }
                return null;
            }

            @Override
            public void close() throws IOException {
                lines.close();
            }
        };
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return Streams.RAW;
    }
}
