package dev.tickcast.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.job.Backfill;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same feed and the same models give the same forecasts, bit for bit: two replays through Kafka and
 * one file backfill, all at parallelism 2, with a second model that takes over at a fixed point of the
 * feed. The fixed point is defined by the model's effective time (event time), and the models are
 * published ahead of the feed; that is what makes the swap land on the same tick every time.
 */
class DeterminismEndToEndTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void twoKafkaReplaysAndAFileBackfillGiveIdenticalForecastsWithAModelSwapAtAFixedPoint() throws Exception {
        List<Tick> ticks = BundledData.read().ticks();
        Instant swapAt = ticks.get(ticks.size() * 3 / 5).getEventTime();
        ModelUpdate v1 = E2eData.randomModel("default", 1, CellType.LSTM, new int[] {8}, 11L);
        ModelUpdate v2 = ModelUpdate.newBuilder(E2eData.randomModel("default", 2, CellType.GRU, new int[] {8}, 12L))
                .setEffectiveTime(swapAt)
                .build();

        Map<String, List<String>> first = kafkaReplay("run1", ticks, v1, v2, swapAt);
        Map<String, List<String>> second = kafkaReplay("run2", ticks, v1, v2, swapAt);
        Map<String, List<String>> backfill = fileBackfill(v1, v2);

        Model m1 = Model.verify(v1);
        Model m2 = Model.verify(v2);
        Map<String, List<String>> offline = new TreeMap<>();
        Backtest.runWithModels(
                i -> ticks.get(i).getEventTime().isBefore(swapAt) ? m1 : m2,
                ticks,
                ForecastSettings.DEFAULTS,
                s -> Long.MIN_VALUE,
                (t, f) -> offline.computeIfAbsent(f.getSymbol(), s -> new ArrayList<>())
                        .add(E2eData.describe(f)));

        assertThat(first).isEqualTo(second);
        assertThat(backfill).isEqualTo(first);
        assertThat(first).isEqualTo(offline);
        long v2Count = first.values().stream()
                .flatMap(List::stream)
                .filter(d -> d.contains(" v2 GRU "))
                .count();
        System.out.printf(
                "determinism: %d symbols, %d forecasts identical across 2 Kafka replays, a file backfill and the"
                        + " backtest; %d by v2 from %s%n",
                first.size(), first.values().stream().mapToInt(List::size).sum(), v2Count, swapAt);
        assertThat(v2Count).isPositive();
    }

    /**
     * One replay through fresh topics: models published first, then the feed once the job serves v2 for probes past the
     * swap time.
     */
    private Map<String, List<String>> kafkaReplay(
            String run, List<Tick> ticks, ModelUpdate v1, ModelUpdate v2, Instant swapAt) throws Exception {
        JobConfig config = FeedReplay.config(kafka, run);
        WireCodec<ModelUpdate> models = ModelRecords.modelCodec();
        KafkaIo.produce(
                kafka.bootstrapServers(),
                List.of(
                        new ProducerRecord<>(config.modelsTopic(), WireCodec.key("m"), models.encode(v1)),
                        new ProducerRecord<>(config.modelsTopic(), WireCodec.key("m"), models.encode(v2))));
        return FeedReplay.run(kafka, config, run, ticks, 2, swapAt);
    }

    private Map<String, List<String>> fileBackfill(ModelUpdate v1, ModelUpdate v2) throws Exception {
        JobConfig config = JobConfig.fromArgs("--parallelism", "2", "--checkpoint-interval", "1 s");
        WireCodec<ModelUpdate> codec = ModelRecords.modelCodec();
        Backfill.Result result = Backfill.toFiles(
                config,
                BundledData.path(),
                dir.resolve("backfill"),
                List.of(codec.encode(v1), codec.encode(v2)),
                StreamExecutionEnvironment.getExecutionEnvironment(),
                Backfill.Listener.NONE);
        List<Forecast> forecasts = new ArrayList<>();
        try (DataFileReader<Forecast> reader =
                new DataFileReader<>(result.forecasts().toFile(), new SpecificDatumReader<>(Forecast.class))) {
            reader.forEach(forecasts::add);
        }
        assertThat(result.forecastCount()).isEqualTo(forecasts.size());
        assertThat(result.deadLettersByReason()).containsOnlyKeys("DUPLICATE");
        return FeedReplay.bySymbol(forecasts);
    }
}
