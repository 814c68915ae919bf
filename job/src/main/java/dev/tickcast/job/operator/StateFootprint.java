package dev.tickcast.job.operator;

import dev.tickcast.job.types.ForecastStateSerializer;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.ForecastState;
import dev.tickcast.schema.SymbolState;
import java.io.IOException;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/** Bytes one symbol's state takes as the forecast operator stores it, and as the Avro record it used to be. */
public final class StateFootprint {

    private StateFootprint() {}

    /** The keyed state's value bytes ({@link ForecastStateSerializer}). */
    public static int serializedBytes(ForecastState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(2048);
        new ForecastStateSerializer(ForecastSettings.DEFAULTS).serialize(state, out);
        return out.length();
    }

    /** The same state as an Avro {@link SymbolState} through Flink's Avro serializer (the first builds' format). */
    public static int avroBytes(ForecastState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(2048);
        new AvroTypeInfo<>(SymbolState.class)
                .createSerializer(new SerializerConfigImpl())
                .serialize(state.toRecord(), out);
        return out.length();
    }
}
