package dev.tickcast.job;

import dev.tickcast.model.data.TickCsv;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.internal.RawRecord;
import dev.tickcast.schema.wire.WireCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads a tick CSV file (the bundle's format) for the backfill mode as the same {@link RawRecord}s the
 * Kafka source gives: each row becomes a wire-encoded Tick with the file as "topic" and the line number
 * as "offset", so the rest of the job is the streaming job unchanged (its decoder checks the values and
 * gives the same reason codes as for Kafka). A row that cannot be read as a tick at all (columns, number
 * or time format) keeps its bytes and says why in {@code error}; the decoder dead-letters it as BAD_ROW. Not splittable: one
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
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        WireCodec<Tick> codec = WireCodec.of(Tick.class);
        return new Reader<>() {
            private long lineNo;

            @Override
            public RawRecord read() throws IOException {
                String line;
                while ((line = lines.readLine()) != null) {
                    lineNo++;
                    if (line.isBlank() || (lineNo == 1 && TickCsv.isHeader(line))) {
                        continue;
                    }
                    TickCsv.Row row = TickCsv.parseStructure(line); // values are checked by the job's decoder, as for Kafka
                    RawRecord.Builder record = RawRecord.newBuilder().setTopic(sourceName).setPartition(0).setOffset(lineNo);
                    if (row.tick() != null) {
                        return record.setKey(ByteBuffer.wrap(WireCodec.key(row.tick().getSymbol())))
                                .setValue(ByteBuffer.wrap(codec.encode(row.tick()))).build();
                    }
                    return record.setValue(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)))
                            .setError("line " + lineNo + ": " + row.error()).build();
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
