package dev.tickcast.job.operator;

import static dev.tickcast.job.TickBuilder.t;
import static dev.tickcast.job.TickBuilder.tick;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.job.TestModels;
import dev.tickcast.job.types.Streams;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.DeadLetterReason;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.internal.ModelEvent;
import dev.tickcast.schema.internal.RawRecord;
import dev.tickcast.schema.wire.WireCodec;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelDecoderTest {

    private static final String MODELS_TOPIC = "tickcast.models";

    private OneInputStreamOperatorTestHarness<RawRecord, ModelEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new ModelDecoder());
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static RawRecord record(byte[] value, long offset) {
        return RawRecord.newBuilder()
                .setTopic(MODELS_TOPIC)
                .setPartition(0)
                .setOffset(offset)
                .setKey(ByteBuffer.wrap(WireCodec.key("test")))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .build();
    }

    @Test
    void decodesAModelUpdateWithoutJudgingIt() throws Exception {
        ModelUpdate model = TestModels.update(3, CellType.GRU, new int[] {4}, 9);
        ModelUpdate versionZero =
                TestModels.update(0, CellType.GRU, new int[] {4}, 9); // the forecast operator refuses it
        harness.processElement(record(TestModels.wire(model), 1), 0L);
        harness.processElement(record(TestModels.wire(versionZero), 2), 0L);

        assertThat(harness.extractOutputValues())
                .extracting(ModelEvent::getUpdate)
                .containsExactly(model, versionZero);
        assertThat(harness.extractOutputValues())
                .extracting(ModelEvent::getOffset)
                .containsExactly(1L, 2L);
        assertThat(harness.extractOutputValues())
                .extracting(ModelEvent::getControl)
                .containsOnlyNulls();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void decodesAControlRecordByItsSchemaFingerprint() throws Exception {
        ModelControl pin = ModelControl.newBuilder()
                .setAction(ModelAction.PIN)
                .setVersion(2)
                .setIssuedAt(java.time.Instant.EPOCH)
                .build();
        harness.processElement(record(WireCodec.of(ModelControl.class).encode(pin), 5), 0L);

        assertThat(harness.extractOutputValues())
                .extracting(ModelEvent::getControl)
                .containsExactly(pin);
        assertThat(harness.extractOutputValues())
                .extracting(ModelEvent::getUpdate)
                .containsOnlyNulls();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void deadLettersTombstoneAndBytesThatAreNoModel() throws Exception {
        byte[] tickBytes = WireCodec.of(Tick.class).encode(tick("ACME", t(0)).build());
        byte[] garbage = {0x01, 0x02, 0x03, 0x04};
        harness.processElement(record(null, 10), 0L);
        harness.processElement(record(garbage, 11), 0L);
        harness.processElement(record(tickBytes, 12), 0L);

        assertThat(harness.extractOutputValues()).isEmpty();
        List<DeadLetter> dls = deadLetters();
        assertThat(dls)
                .extracting(DeadLetter::getReason)
                .containsOnly(DeadLetterReason.MODEL_REJECTED.name())
                .hasSize(3);
        assertThat(dls).extracting(DeadLetter::getSourceOffset).containsExactly(10L, 11L, 12L);
        assertThat(dls).allSatisfy(dl -> {
            assertThat(dl.getSourceTopic()).isEqualTo(MODELS_TOPIC);
            assertThat(dl.getSourcePartition()).isZero();
            assertThat(dl.getKey()).isEqualTo(ByteBuffer.wrap(WireCodec.key("test")));
        });
        assertThat(dls.get(0).getDetail()).contains("tombstone");
        assertThat(dls.get(0).getValue()).isNull();
        assertThat(dls.get(1).getDetail()).startsWith("NOT_AVRO: ");
        assertThat(TickDecoderTest.bytes(dls.get(1).getValue())).isEqualTo(garbage);
        assertThat(dls.get(2).getDetail())
                .startsWith("WRONG_SCHEMA: neither a ModelUpdate, a ModelControl nor ModelRoutes");
        assertThat(TickDecoderTest.bytes(dls.get(2).getValue())).isEqualTo(tickBytes);
    }

    private List<DeadLetter> deadLetters() {
        var queue = harness.getSideOutput(Streams.DEAD_LETTER_TAG);
        return queue == null
                ? List.of()
                : queue.stream().map(StreamRecord::getValue).toList();
    }
}
