package dev.tickcast.job;

import dev.tickcast.job.io.TickCsvFormat;
import dev.tickcast.schema.internal.RawRecord;
import java.nio.file.Path;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.formats.avro.AvroWriters;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/** The backfill mode's connectors: a bounded tick CSV in, Avro container part files out. */
public final class FileConnectors {

    private FileConnectors() {}

    public static FileSource<RawRecord> ticks(Path csv) {
        return FileSource.forRecordStreamFormat(
                        new TickCsvFormat("file:" + csv.getFileName()),
                        org.apache.flink.core.fs.Path.fromLocalFile(
                                csv.toAbsolutePath().toFile()))
                .build();
    }

    /**
     * Part files {@code <name>-<subtask>-<n>.avro} under {@code dir}, committed at each checkpoint and at the end of
     * the feed.
     */
    public static <T extends SpecificRecordBase> FileSink<T> avro(Path dir, Class<T> type, String name) {
        return FileSink.forBulkFormat(
                        org.apache.flink.core.fs.Path.fromLocalFile(
                                dir.toAbsolutePath().toFile()),
                        AvroWriters.forSpecificRecord(type))
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder()
                        .withPartPrefix(name)
                        .withPartSuffix(".avro")
                        .build())
                .build();
    }
}
