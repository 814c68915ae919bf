package org.apache.flink.formats.avro.typeutils;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.schema.SymbolState;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A savepoint whose SymbolState lacks a field that the current schema has with a default restores into the
 * current build, on the heap and the RocksDB backend: the situation of every release that adds a field with a
 * default to {@code schemas/avro/SymbolState.avsc}.
 *
 * <p>How flink-avro does it (AvroSerializerSnapshot): the savepoint stores the state's class name and the
 * writer schema. On restore the new serializer's schema must be able to read the old one (Avro's reader/writer
 * compatibility; a new field without a default is incompatible and fails the restore rather than misreading
 * state); the answer is "compatible after migration", and the backend reads every value with a serializer whose
 * reader schema is the class as it is now (loaded from the new jar) and whose writer schema is the stored one,
 * so Avro schema resolution fills the default, then rewrites it with the new serializer. This works for
 * specific records only: for GenericRecord state the restore serializer reads with the old schema, and
 * migration fails (we tried) — one more reason the job's state is the generated SymbolState class.
 *
 * <p>Two versions of a generated class cannot live in one JVM, so the previous build is played by a serializer
 * of the current class with an older writer schema (the current one without its last field), built with
 * AvroSerializer's package-private constructor; hence this test's package.
 */
class SymbolStateSchemaEvolutionTest {

    private static final Schema CURRENT = SymbolState.getClassSchema();
    /** The fields added last (with state format 2), defaults 0. */
    private static final List<String> ADDED = List.of("interval_count", "interval_hits");

    private static final Schema PREVIOUS = without(CURRENT, ADDED);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void savepointWithoutAFieldRestoresWithItsDefault(String backend) throws Exception {
        List<String> symbols = List.of("ACME", "BITSTAMP:BTCUSD", "IDX:SPX");
        TypeSerializer<SymbolState> previousBuild = new AvroSerializer<>(
                SymbolState.class, new SerializableAvroSchema(PREVIOUS), new SerializableAvroSchema(PREVIOUS));
        OperatorSubtaskState savepoint;
        try (var before = harness(previousBuild, backend)) {
            before.open();
            for (String s : symbols) {
                before.processElement(s, 1L);
            }
            savepoint = before.snapshot(1L, 1L);
        }

        // The current build: the job's own state type (ForecastFunction's descriptor uses the same AvroTypeInfo).
        TypeSerializer<SymbolState> currentBuild = new AvroTypeInfo<>(SymbolState.class)
                .createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl());
        assertThat(((AvroSerializer<SymbolState>) currentBuild).getAvroSchema()).isEqualTo(CURRENT);
        try (var after = harness(currentBuild, backend)) {
            after.initializeState(savepoint);
            after.open();
            for (String s : symbols) {
                after.processElement(s, 2L);
            }
            List<String> restored = after.extractOutputValues();
            List<String> expected = new ArrayList<>();
            for (String s : symbols) {
                expected.add(KeepState.stateOf(s).toString());
            }
            assertThat(restored).containsExactlyElementsOf(expected);
            for (String field : ADDED) {
                assertThat(restored.get(0)).contains("\"" + field + "\": 0"); // the schema's default
            }
        }
    }

    /** Keeps one SymbolState per key under the job's state name: writes it on first sight, emits it (as JSON) after. */
    static final class KeepState extends KeyedProcessFunction<String, String, String> {
        private static final long serialVersionUID = 1L;
        private final TypeSerializer<SymbolState> serializer;
        private transient ValueState<SymbolState> state;

        KeepState(TypeSerializer<SymbolState> serializer) {
            this.serializer = serializer;
        }

        static SymbolState stateOf(String symbol) {
            return SymbolState.newBuilder()
                    .setModelVersion(3)
                    .setLastPrice(100.0 + symbol.length())
                    .setLastTime(1_700_000_000_000L)
                    .setTicks(42)
                    .setHidden(List.of(0.25f, -0.5f))
                    .setRecentInputs(List.of(1f, 2f, 3f))
                    .setSumSqError(0.125)
                    .build();
        }

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(new ValueStateDescriptor<>("symbol", serializer));
        }

        @Override
        public void processElement(String symbol, Context ctx, Collector<String> out) throws Exception {
            if (state.value() == null) {
                state.update(stateOf(symbol));
            } else {
                out.collect(state.value().toString());
            }
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
            TypeSerializer<SymbolState> serializer, String backend) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new KeepState(serializer)), (String s) -> s, Types.STRING, 128, 1, 0);
        h.setStateBackend(
                backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend(true) : new HashMapStateBackend());
        return h;
    }

    /** The schema without one field: field positions before it are unchanged, so it must be the last one. */
    /** The schema without its last fields, which must be {@code last}. */
    private static Schema without(Schema schema, List<String> last) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            if (!last.contains(f.name())) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        assertThat(schema.getFields().subList(fields.size(), schema.getFields().size()).stream()
                        .map(Schema.Field::name))
                .containsExactlyElementsOf(last);
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
