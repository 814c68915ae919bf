package dev.tickcast.job.types;

import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.ForecastState;
import dev.tickcast.model.forecast.ForecastStateFormat;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's serializer for the per-symbol {@link ForecastState}: the versioned binary format of
 * {@link ForecastStateFormat}, written straight from the state's arrays. It replaces the Avro
 * {@code SymbolState} round trip the operator used to make on every tick (boxing every float of the
 * hidden state and rings into {@code List<Float>}s and back); with the heap backend the state is now
 * not serialized per tick at all.
 *
 * <p>Compatibility: each value carries its format version, and a newer build reads every older
 * version, so the snapshot only has to say "this serializer" ({@link Snapshot#resolveSchemaCompatibility}
 * answers compatible-as-is for any earlier snapshot of it). The ring sizes come from the job's
 * settings; a state written with larger rings restores keeping the newest entries.
 */
public final class ForecastStateSerializer extends TypeSerializer<ForecastState> {

    private static final long serialVersionUID = 1L;

    private final ForecastSettings settings;

    /**
     * A state is ~250 small fields; written one by one through a checkpoint stream's layers they made the
     * heap backend's snapshot slow enough to show in the tail latency. They are gathered here first and
     * written in one call. Per instance, so the serializer is stateful: {@link #duplicate} makes a new one.
     */
    private transient DataOutputSerializer buffer;

    public ForecastStateSerializer(ForecastSettings settings) {
        this.settings = settings;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<ForecastState> duplicate() {
        return new ForecastStateSerializer(settings); // its own buffer
    }

    @Override
    public ForecastState createInstance() {
        return new ForecastState(settings);
    }

    @Override
    public ForecastState copy(ForecastState from) {
        return from.copy();
    }

    @Override
    public ForecastState copy(ForecastState from, ForecastState reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ForecastState state, DataOutputView target) throws IOException {
        if (buffer == null) {
            buffer = new DataOutputSerializer(2048);
        }
        buffer.clear();
        ForecastStateFormat.write(state, buffer);
        target.write(buffer.getSharedBuffer(), 0, buffer.length());
    }

    @Override
    public ForecastState deserialize(DataInputView source) throws IOException {
        return ForecastStateFormat.read(source, settings);
    }

    @Override
    public ForecastState deserialize(ForecastState reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForecastStateSerializer other && other.settings.equals(settings);
    }

    @Override
    public int hashCode() {
        return settings.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ForecastState> snapshotConfiguration() {
        return new Snapshot(settings);
    }

    /** Written into checkpoints and savepoints beside the state: the settings the rings were sized with. */
    public static class Snapshot implements TypeSerializerSnapshot<ForecastState> {

        private static final int VERSION = 1;

        private ForecastSettings settings;

        /** For Flink's reflective instantiation on restore. */
        public Snapshot() {}

        Snapshot(ForecastSettings settings) {
            this.settings = settings;
        }

        @Override
        public int getCurrentVersion() {
            return VERSION;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeInt(settings.ringSteps());
            out.writeInt(settings.residualWindow());
            out.writeInt(settings.minResiduals());
            out.writeDouble(settings.intervalZ());
        }

        @Override
        public void readSnapshot(int version, DataInputView in, ClassLoader classLoader) throws IOException {
            if (version != VERSION) {
                throw new IOException("ForecastStateSerializer snapshot version " + version
                        + " is newer than this build reads (" + VERSION + ")");
            }
            settings = new ForecastSettings(in.readInt(), in.readInt(), in.readInt(), in.readDouble());
        }

        @Override
        public TypeSerializer<ForecastState> restoreSerializer() {
            return new ForecastStateSerializer(settings);
        }

        @Override
        public TypeSerializerSchemaCompatibility<ForecastState> resolveSchemaCompatibility(
                TypeSerializerSnapshot<ForecastState> old) {
            // Every value says its format version and the reader reads all of them: any earlier snapshot of this
            // serializer
            // is compatible as is, whatever ring sizes it had.
            return old instanceof Snapshot
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
