package dev.tickcast.job;

import dev.tickcast.model.forecast.ForecastState;
import dev.tickcast.schema.SymbolState;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Bytes one symbol's state takes as the forecast operator stores it (its value serializer's output). */
public final class StateFootprint {

    private StateFootprint() {}

    public static int serializedBytes(ForecastState state) throws java.io.IOException {
        var descriptor = ForecastFunction.stateDescriptor(java.time.Duration.ofDays(1));
        descriptor.initializeSerializerUnlessSet(new ExecutionConfig());
        TypeSerializer<SymbolState> serializer = descriptor.getSerializer();
        DataOutputSerializer out = new DataOutputSerializer(2048);
        serializer.serialize(state.toRecord(), out);
        return out.length();
    }
}
