package dev.tickcast.job.types;

import dev.tickcast.model.data.Varints;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.internal.SourcedTick;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's serializer for the ticks crossing the {@code keyBy}, written field by field. Avro's generic field access
 * boxed every long and double of a tick on the way out and again on the way in, and decoded the symbol and topic
 * into new Strings per tick; together that was the largest share of the job's CPU and allocation after the cells.
 * Here primitives stay primitive and strings are interned per serializer ({@link StringInterner}), so the keyed
 * state hashes one cached String per symbol.
 *
 * <p>Only the network uses it (ticks are never kept in state), so the format may change between builds; the
 * snapshot exists because Flink asks every serializer for one.
 *
 * <p>Format: symbol, event time (epoch ms), price, volume (a presence byte, then the value), topic, partition,
 * offset, received-at (µs); strings as a varint length and UTF-8 bytes.
 */
public final class SourcedTickSerializer extends TypeSerializer<SourcedTick> {

    private static final long serialVersionUID = 1L;

    /** Per instance (a task thread's own duplicate), so they need no locking. */
    private transient StringInterner strings;

    private transient byte[] scratch;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<SourcedTick> duplicate() {
        return new SourcedTickSerializer(); // its own interner and scratch buffer
    }

    @Override
    public SourcedTick createInstance() {
        SourcedTick sourced = new SourcedTick();
        sourced.setTick(new Tick());
        return sourced;
    }

    /** The fields are immutable (String, Instant, Double, primitives), so new records holding them are deep copies. */
    @Override
    public SourcedTick copy(SourcedTick from) {
        Tick tick = new Tick();
        Tick original = from.getTick();
        tick.setSymbol(original.getSymbol());
        tick.setEventTime(original.getEventTime());
        tick.setPrice(original.getPrice());
        tick.setVolume(original.getVolume());
        SourcedTick copy = new SourcedTick();
        copy.setTick(tick);
        copy.setTopic(from.getTopic());
        copy.setPartition(from.getPartition());
        copy.setOffset(from.getOffset());
        copy.setReceivedAtMicros(from.getReceivedAtMicros());
        return copy;
    }

    @Override
    public SourcedTick copy(SourcedTick from, SourcedTick reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SourcedTick sourced, DataOutputView target) throws IOException {
        Tick tick = sourced.getTick();
        writeString(tick.getSymbol(), target);
        target.writeLong(tick.getEventTime().toEpochMilli());
        target.writeDouble(tick.getPrice());
        Double volume = tick.getVolume();
        target.writeBoolean(volume != null);
        if (volume != null) {
            target.writeDouble(volume);
        }
        writeString(sourced.getTopic(), target);
        target.writeInt(sourced.getPartition());
        target.writeLong(sourced.getOffset());
        target.writeLong(sourced.getReceivedAtMicros());
    }

    @Override
    public SourcedTick deserialize(DataInputView source) throws IOException {
        Tick tick = new Tick();
        tick.setSymbol(readString(source));
        tick.setEventTime(Instant.ofEpochMilli(source.readLong()));
        tick.setPrice(source.readDouble());
        tick.setVolume(source.readBoolean() ? source.readDouble() : null);
        SourcedTick sourced = new SourcedTick();
        sourced.setTick(tick);
        sourced.setTopic(readString(source));
        sourced.setPartition(source.readInt());
        sourced.setOffset(source.readLong());
        sourced.setReceivedAtMicros(source.readLong());
        return sourced;
    }

    @Override
    public SourcedTick deserialize(SourcedTick reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    /** ASCII (every symbol and topic seen so far) goes out without encoding into a new array. */
    private static void writeString(String s, DataOutputView target) throws IOException {
        int n = s.length();
        boolean ascii = true;
        for (int i = 0; i < n && ascii; i++) {
            ascii = s.charAt(i) < 0x80;
        }
        if (ascii) {
            Varints.write(target, n);
            // Byte by byte: DataOutputSerializer.writeBytes(String) advances its position twice (Flink 2.2).
            for (int i = 0; i < n; i++) {
                target.writeByte(s.charAt(i));
            }
        } else {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            Varints.write(target, utf8.length);
            target.write(utf8);
        }
    }

    private String readString(DataInputView source) throws IOException {
        long length = Varints.read(source, "serialized tick");
        if (length < 0 || length > Integer.MAX_VALUE) {
            throw new IOException("corrupt serialized tick: string length " + length);
        }
        int n = (int) length;
        if (scratch == null || scratch.length < n) {
            scratch = new byte[Math.max(n, 64)];
        }
        source.readFully(scratch, 0, n);
        if (strings == null) {
            strings = new StringInterner();
        }
        return strings.intern(scratch, n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourcedTickSerializer;
    }

    @Override
    public int hashCode() {
        return SourcedTickSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<SourcedTick> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Stateless: restoring it means making a new serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SourcedTick> {
        public Snapshot() {
            super(SourcedTickSerializer::new);
        }
    }
}
