package dev.tickcast.model.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tickcast.model.file.ModelRejectedException.Check;
import dev.tickcast.model.testdata.TestModels;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelFileTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(CellType.class)
    void writeThenReadGivesTheSameRecord(CellType cellType) throws Exception {
        ModelUpdate update = TestModels.fullUpdate(3, cellType, new int[] {4, 3}, 11);
        Path file = dir.resolve("models/m.avro");

        ModelFile.write(update, file);
        ModelUpdate read = ModelFile.read(file);

        assertThat(read).isEqualTo(update);
        assertThat(read.getTraining().getSource()).isEqualTo("ticks.csv");
        assertThat(read.getValidation().getSkill()).isEqualTo(0.05);
        assertThat(read.getCreatedAt()).isEqualTo(TestModels.CREATED);
        assertThat(Files.list(file.getParent()))
                .as("no temporary file left behind")
                .containsExactly(file);
    }

    @Test
    void loadedModelComputesExactlyWhatTheInMemoryModelComputes() throws Exception {
        ModelUpdate update = TestModels.update(5, CellType.GRU, new int[] {6}, 12);
        Path file = dir.resolve("m.avro");
        ModelFile.write(update, file);

        Model loaded = ModelFile.load(file);
        Model direct = Model.verify(update);

        assertThat(loaded.describe()).isEqualTo("v5 GRU 3→[6]→1");
        float[] x = {0.3f, -1.2f, 0.8f};
        float[] a = loaded.network().newState();
        float[] b = direct.network().newState();
        float[] outA = new float[1];
        float[] outB = new float[1];
        for (int t = 0; t < 5; t++) {
            loaded.network().step(x, a, outA);
            direct.network().step(x, b, outB);
        }
        assertThat(a).containsExactly(b);
        assertThat(outA).containsExactly(outB);
        assertThat(outA[0]).isNotZero();
    }

    @Test
    void writeReplacesAnExistingFile() throws Exception {
        Path file = dir.resolve("m.avro");
        ModelFile.write(TestModels.update(1, CellType.LSTM, new int[] {3}, 1), file);

        ModelFile.write(TestModels.update(2, CellType.LSTM, new int[] {3}, 2), file);

        assertThat(ModelFile.load(file).version()).isEqualTo(2);
    }

    @Test
    void buildRefusesWrongWeightCount() {
        assertThatThrownBy(() -> ModelFile.build(
                        "m",
                        1,
                        CellType.LSTM,
                        new int[] {2},
                        TestModels.spec(),
                        new float[10],
                        null,
                        null,
                        Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10 weights given, LSTM 3→[2]→1 needs 51");
    }

    @Test
    void readRefusesAMissingFile() {
        Path missing = dir.resolve("nope.avro");
        assertThatThrownBy(() -> ModelFile.read(missing))
                .isInstanceOfSatisfying(
                        ModelRejectedException.class, e -> assertThat(e.check()).isEqualTo(Check.UNREADABLE))
                .hasMessageContaining("no model file at");
    }

    @Test
    void readRefusesAFileThatIsNotAvro() throws IOException {
        Path file = dir.resolve("model.json");
        Files.writeString(file, "{\"version\": 3, \"weights\": []}\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ModelFile.read(file))
                .isInstanceOfSatisfying(
                        ModelRejectedException.class, e -> assertThat(e.check()).isEqualTo(Check.UNREADABLE))
                .hasMessageStartingWith("UNREADABLE: ")
                .hasMessageContaining("is not an Avro container file of ModelUpdate");
    }

    @Test
    void readRefusesAnEmptyFile() throws IOException {
        Path file = Files.createFile(dir.resolve("empty.avro"));

        assertThatThrownBy(() -> ModelFile.read(file))
                .isInstanceOfSatisfying(
                        ModelRejectedException.class, e -> assertThat(e.check()).isEqualTo(Check.UNREADABLE))
                .hasMessageContaining("is not an Avro container file of ModelUpdate");
    }

    @Test
    void readRefusesAnAvroFileWithNoRecord() throws IOException {
        Path file = dir.resolve("none.avro");
        try (DataFileWriter<ModelUpdate> writer = new DataFileWriter<>(new SpecificDatumWriter<>(ModelUpdate.class))) {
            writer.create(ModelUpdate.getClassSchema(), file.toFile());
        }

        assertThatThrownBy(() -> ModelFile.read(file))
                .isInstanceOfSatisfying(
                        ModelRejectedException.class, e -> assertThat(e.check()).isEqualTo(Check.UNREADABLE))
                .hasMessageContaining("holds no ModelUpdate record");
    }

    @Test
    void readRefusesAnAvroFileWithTwoRecords() throws IOException {
        Path file = dir.resolve("two.avro");
        try (DataFileWriter<ModelUpdate> writer = new DataFileWriter<>(new SpecificDatumWriter<>(ModelUpdate.class))) {
            writer.create(ModelUpdate.getClassSchema(), file.toFile());
            writer.append(TestModels.update(1, CellType.GRU, new int[] {2}, 1));
            writer.append(TestModels.update(2, CellType.GRU, new int[] {2}, 2));
        }

        assertThatThrownBy(() -> ModelFile.read(file))
                .isInstanceOfSatisfying(
                        ModelRejectedException.class, e -> assertThat(e.check()).isEqualTo(Check.UNREADABLE))
                .hasMessageContaining("holds more than one record");
    }

    @Test
    void readRefusesAnAvroFileOfAnotherRecordType() throws IOException {
        Path file = dir.resolve("ticks.avro");
        try (DataFileWriter<Tick> writer = new DataFileWriter<>(new SpecificDatumWriter<>(Tick.class))) {
            writer.create(Tick.getClassSchema(), file.toFile());
            writer.append(Tick.newBuilder()
                    .setSymbol("ACME")
                    .setEventTime(Instant.EPOCH)
                    .setPrice(1.0)
                    .build());
        }

        assertThatThrownBy(() -> ModelFile.read(file))
                .isInstanceOfSatisfying(
                        ModelRejectedException.class, e -> assertThat(e.check()).isEqualTo(Check.UNREADABLE))
                .hasMessageContaining("is not an Avro container file of ModelUpdate");
    }
}
