package dev.tickcast.model.file;

import dev.tickcast.model.cell.RecurrentNetwork;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.FeatureSpec;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.TrainingInfo;
import dev.tickcast.schema.ValidationMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The model file: an Avro object container file holding exactly one {@link ModelUpdate}, readable by
 * {@code avro-tools tojson} or any Avro library.
 */
public final class ModelFile {

    private ModelFile() {}

    /** Assembles a ModelUpdate around flat weights, computing their bytes and SHA-256. */
    public static ModelUpdate build(
            String name,
            long version,
            CellType cellType,
            int[] hiddenSizes,
            FeatureSpec features,
            float[] weights,
            TrainingInfo training,
            ValidationMetrics validation,
            Instant createdAt) {
        return build(
                name,
                version,
                cellType,
                hiddenSizes,
                new int[] {1},
                features,
                weights,
                training,
                validation,
                createdAt);
    }

    /** A model of several horizons: one output each (see {@code ModelUpdate.horizons}). */
    public static ModelUpdate build(
            String name,
            long version,
            CellType cellType,
            int[] hiddenSizes,
            int[] horizons,
            FeatureSpec features,
            float[] weights,
            TrainingInfo training,
            ValidationMetrics validation,
            Instant createdAt) {
        int inputSize = features.getNames().size();
        int expected = RecurrentNetwork.parameterCount(cellType, inputSize, hiddenSizes, horizons.length);
        if (weights.length != expected) {
            throw new IllegalArgumentException(weights.length + " weights given, " + cellType + " " + inputSize + "→"
                    + Arrays.toString(hiddenSizes) + "→" + horizons.length + " needs " + expected);
        }
        ByteBuffer bytes = ByteBuffer.wrap(Weights.toBytes(weights));
        return ModelUpdate.newBuilder()
                .setModelName(name)
                .setVersion(version)
                .setCreatedAt(createdAt)
                .setCellType(cellType)
                .setInputSize(inputSize)
                .setHiddenSizes(Arrays.stream(hiddenSizes).boxed().collect(Collectors.toList()))
                .setOutputSize(horizons.length)
                .setHorizons(Arrays.stream(horizons).boxed().collect(Collectors.toList()))
                .setFeatures(features)
                .setWeights(bytes)
                .setWeightsSha256(ByteBuffer.wrap(Weights.sha256(bytes)))
                .setTraining(training)
                .setValidation(validation)
                .build();
    }

    public static void write(ModelUpdate update, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataFileWriter<ModelUpdate> writer = new DataFileWriter<>(new SpecificDatumWriter<>(ModelUpdate.class))) {
            writer.create(ModelUpdate.getClassSchema(), tmp.toFile());
            writer.append(update);
        }
        // Rename so that a reader never sees half a model.
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads the one ModelUpdate of a model file, without verifying it (see {@link #load}). */
    public static ModelUpdate read(Path file) throws ModelRejectedException {
        if (!Files.isRegularFile(file)) {
            throw new ModelRejectedException(
                    ModelRejectedException.Check.UNREADABLE, "no model file at " + file.toAbsolutePath());
        }
        try (DataFileReader<ModelUpdate> reader =
                new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(ModelUpdate.class))) {
            if (!reader.hasNext()) {
                throw new ModelRejectedException(
                        ModelRejectedException.Check.UNREADABLE, file + " holds no ModelUpdate record");
            }
            ModelUpdate update = reader.next();
            if (reader.hasNext()) {
                throw new ModelRejectedException(
                        ModelRejectedException.Check.UNREADABLE,
                        file + " holds more than one record; a model file has exactly one");
            }
            return update;
        } catch (IOException | RuntimeException e) {
            throw new ModelRejectedException(
                    ModelRejectedException.Check.UNREADABLE,
                    file + " is not an Avro container file of ModelUpdate: " + e.getMessage());
        }
    }

    /** Reads and verifies a model file. */
    public static Model load(Path file) throws ModelRejectedException {
        return Model.verify(read(file));
    }
}
