package dev.tickcast.job.types;

import static dev.tickcast.job.TickBuilder.t;
import static dev.tickcast.job.TickBuilder.tick;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tickcast.job.TickBuilder;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.internal.SourcedTick;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.junit.jupiter.api.Test;

/** The hand-written tick serializer gives back what Avro's gives back, interns strings, and stays bounded. */
class SourcedTickSerializerTest {

    private static SourcedTick sourced(String symbol, int second, Double volume, String topic, long offset) {
        SourcedTick s = TickBuilder.sourced(
                tick(symbol, t(second)).price(100.25 + second).volume(volume).build(), 3, offset);
        s.setTopic(topic);
        s.setReceivedAtMicros(1_709_303_400_123_456L + second);
        return s;
    }

    private static List<SourcedTick> samples() {
        return List.of(
                sourced("ACME", 0, 3.0, "ticks", 0),
                sourced("BOLT", 1, null, "ticks", 123_456_789_012L), // no volume
                sourced("Ünïcødé.ß", 2, 0.0, "tïcks", -1), // non-ASCII symbol and topic
                sourced(
                        "A".repeat(300),
                        3,
                        Double.MAX_VALUE,
                        "t".repeat(249),
                        Long.MAX_VALUE), // lengths past one varint byte
                sourced("NaN", 4, Double.NaN, "", Long.MIN_VALUE));
    }

    @Test
    void roundTripsEqualTheOriginalAndAvrosRoundTrip() throws IOException {
        AvroSerializer<SourcedTick> avro = new AvroSerializer<>(SourcedTick.class);
        SourcedTickSerializer serializer = new SourcedTickSerializer();
        for (SourcedTick tick : samples()) {
            SourcedTick back = roundTrip(serializer, tick);
            assertThat(back).isEqualTo(tick).isEqualTo(roundTrip(avro, tick)).isNotSameAs(tick);
            assertThat(back.getTick().getEventTime()).isEqualTo(tick.getTick().getEventTime());
            assertThat(back.getTick().getVolume()).isEqualTo(tick.getTick().getVolume());
        }
    }

    /**
     * The serializer names its fields by hand, so a field added to either schema would cross the keyBy as its default
     * and no round trip of today's records would notice: this fails first, and says where to add it.
     */
    @Test
    void writesEveryFieldTheSchemasHave() {
        assertThat(SourcedTick.getClassSchema().getFields())
                .extracting(Schema.Field::name)
                .as("SourcedTick fields SourcedTickSerializer writes; a new one must be added to it")
                .containsExactly("tick", "topic", "partition", "offset", "received_at_micros");
        assertThat(Tick.getClassSchema().getFields())
                .extracting(Schema.Field::name)
                .as("Tick fields SourcedTickSerializer writes; a new one must be added to it")
                .containsExactly("symbol", "event_time", "price", "volume");
    }

    @Test
    void manyTicksInOneStreamReadBackInOrder() throws IOException {
        SourcedTickSerializer serializer = new SourcedTickSerializer();
        DataOutputSerializer out = new DataOutputSerializer(64);
        List<SourcedTick> written = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            SourcedTick tick = sourced("S" + (i % 37), i, i % 3 == 0 ? null : (double) i, "ticks", i);
            serializer.serialize(tick, out);
            written.add(tick);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
        SourcedTickSerializer reader = (SourcedTickSerializer) serializer.duplicate();
        for (SourcedTick tick : written) {
            assertThat(reader.deserialize(in)).isEqualTo(tick);
        }
        assertThat(in.available()).isZero();
    }

    @Test
    void theSameSymbolReadTwiceIsTheSameString() throws IOException {
        SourcedTickSerializer serializer = new SourcedTickSerializer();
        SourcedTick first = roundTrip(serializer, sourced("ACME", 0, 1.0, "ticks", 0));
        SourcedTick second = roundTrip(serializer, sourced(new String("ACME"), 1, 2.0, "ticks", 1));
        assertThat(second.getTick().getSymbol()).isSameAs(first.getTick().getSymbol());
        assertThat(second.getTopic()).isSameAs(first.getTopic());
    }

    @Test
    void copyIsEqualAndIndependent() {
        SourcedTickSerializer serializer = new SourcedTickSerializer();
        for (SourcedTick tick : samples()) {
            SourcedTick copy = serializer.copy(tick);
            assertThat(copy).isEqualTo(tick).isNotSameAs(tick);
            assertThat(copy.getTick()).isNotSameAs(tick.getTick());
        }
    }

    @Test
    void aTruncatedRecordFailsLoudly() throws IOException {
        SourcedTickSerializer serializer = new SourcedTickSerializer();
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(sourced("ACME", 0, 1.0, "ticks", 0), out);
        DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length() - 3);
        assertThatThrownBy(() -> serializer.deserialize(in)).isInstanceOf(IOException.class);
    }

    @Test
    void aSymbolLengthNoStringCanHaveFailsLoudly() {
        SourcedTickSerializer serializer = new SourcedTickSerializer();
        byte[] negative = {
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            0x01
        }; // 2^64 - 1 as a varint: a negative long
        byte[] tooLong = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10}; // 2^32
        for (byte[] length : List.of(negative, tooLong)) {
            assertThatThrownBy(() -> serializer.deserialize(new DataInputDeserializer(length)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("corrupt serialized tick: string length");
        }
    }

    @Test
    void snapshotRestoresAnEqualSerializer() throws IOException {
        TypeSerializerSnapshot<SourcedTick> snapshot = new SourcedTickSerializer().snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<SourcedTick> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()),
                getClass().getClassLoader());
        assertThat(read.restoreSerializer()).isEqualTo(new SourcedTickSerializer());
        assertThat(new SourcedTickSerializer()
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(read)
                        .isCompatibleAsIs())
                .isTrue();
    }

    @Test
    void internerForgetsEverythingPastItsBoundAndStillAnswersRight() {
        StringInterner interner = new StringInterner();
        byte[] acme = "ACME".getBytes();
        String kept = interner.intern(acme, acme.length);
        for (int i = 0; i < 2 * StringInterner.MAX_ENTRIES; i++) { // twice: a key past the probe bound is not kept
            byte[] b = ("S" + i).getBytes();
            assertThat(interner.intern(b, b.length)).isEqualTo("S" + i);
        }
        assertThat(interner.size()).isLessThanOrEqualTo(StringInterner.MAX_ENTRIES);
        String again = interner.intern(acme, acme.length);
        assertThat(again).isEqualTo("ACME").isNotSameAs(kept); // started over: a new String, the same text
        byte[] prefix = "ACMEX".getBytes();
        assertThat(interner.intern(prefix, 4)).isSameAs(again); // only the first length bytes count
    }

    @Test
    void internerIsNotFloodedBySymbolsThatCollideUnderAPolynomialHash() {
        // "Aa" and "BB" have the same 31 * h + b hash, so every string of 14 such pairs does: 16,384 symbols that
        // would share one probe chain. Seeded and mixed, they spread: nearly all are kept, each lookup is short.
        List<String> colliding = new java.util.ArrayList<>();
        for (int bits = 0; bits < 1 << 14; bits++) {
            StringBuilder symbol = new StringBuilder();
            for (int pair = 0; pair < 14; pair++) {
                symbol.append((bits >> pair & 1) == 0 ? "Aa" : "BB");
            }
            colliding.add(symbol.toString());
        }
        assertThat(colliding.stream().map(String::hashCode).distinct().count()).isEqualTo(1);
        StringInterner interner = new StringInterner();
        for (String text : colliding) {
            byte[] b = text.getBytes();
            assertThat(interner.intern(b, b.length)).isEqualTo(text);
        }
        assertThat(interner.size()).isGreaterThan(colliding.size() * 99 / 100);
        long same = colliding.stream()
                .filter(t -> interner.intern(t.getBytes(), t.length()) == interner.intern(t.getBytes(), t.length()))
                .count();
        assertThat(same).isEqualTo(interner.size());
    }

    @Test
    void internerTellsApartKeysThatAgreeInTheirFirstEightBytesOrInLength() {
        StringInterner interner = new StringInterner();
        List<String> texts = List.of(
                "",
                "\0",
                "\0\0",
                "A",
                "AB",
                "ABCDEFGH",
                "ABCDEFGH\0",
                "ABCDEFGHI",
                "ABCDEFGHJ",
                "ABCDEFGHIJKLMNOP",
                "ABCDEFGHIJKLMNOQ",
                "ÄÖÜ.€",
                "ÄÖÜ.€x");
        List<String> first = new java.util.ArrayList<>();
        for (String text : texts) {
            byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            first.add(interner.intern(b, b.length));
        }
        assertThat(first).containsExactlyElementsOf(texts);
        assertThat(interner.size()).isEqualTo(texts.size());
        for (int round = 0; round < 2; round++) { // again, after the table grew past its first 256 slots in round 1
            for (int i = 0; i < texts.size(); i++) {
                byte[] b =
                        (texts.get(i) + "trailing bytes past length").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                int length = texts.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                assertThat(interner.intern(b, length)).as(texts.get(i)).isSameAs(first.get(i));
            }
            for (int i = 0; i < 300; i++) {
                byte[] b = ("filler-" + i).getBytes();
                interner.intern(b, b.length);
            }
        }
        assertThat(interner.size()).isEqualTo(texts.size() + 300);
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
    }
}
