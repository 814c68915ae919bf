package dev.tickcast.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.serving.ModelAdmission;
import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.model.data.SymbolRoutes;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.ModelRoutes;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two model lines in one job on a real broker and MiniCluster at parallelism 2: every symbol starts on the default
 * line; a routes record on the models topic moves the crypto symbols to the crypto line at a fixed event time, and
 * every forecast equals the backtest that serves the same models to the same symbols at the same ticks, bit for bit.
 */
class ModelRoutesEndToEndTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    private static boolean crypto(String symbol) {
        return symbol.startsWith("BITSTAMP:") || symbol.startsWith("BINANCEUS:");
    }

    @Test
    void aRoutesRecordMovesTheCryptoSymbolsToTheirLineAtAFixedTick() throws Exception {
        List<Tick> ticks = BundledData.read().ticks();
        Instant switchAt = ticks.get(ticks.size() / 2).getEventTime();
        ModelUpdate pooled = E2eData.randomModel("default", 1, CellType.LSTM, new int[] {8}, 21L);
        ModelUpdate cryptoLine = E2eData.randomModel("crypto", 5, CellType.GRU, new int[] {6}, 22L);
        // The probes (symbols no data uses) are routed to crypto too, so that the job shows when it serves it.
        SymbolRoutes routes = SymbolRoutes.parse("BITSTAMP:*=crypto,BINANCEUS:*=crypto,PROBE-*=crypto,*=default");

        String run = "routes";
        JobConfig config = FeedReplay.config(kafka, run, "--model-routes", "*=default");
        WireCodec<ModelUpdate> models = ModelRecords.modelCodec();
        ModelRoutes record = ModelRoutes.newBuilder()
                .setRoutes(routes.toRecords())
                .setIssuedAt(Instant.parse("2026-12-07T12:00:00Z"))
                .setEffectiveTime(switchAt)
                .setReason("crypto has its own line")
                .build();
        byte[] routesBytes = WireCodec.of(ModelRoutes.class).encode(record);
        KafkaIo.produce(
                kafka.bootstrapServers(),
                List.of(
                        new ProducerRecord<>(config.modelsTopic(), WireCodec.key("default"), models.encode(pooled)),
                        // Before the routes name its line: refused (a dead letter), published again below.
                        new ProducerRecord<>(config.modelsTopic(), WireCodec.key("crypto"), models.encode(cryptoLine)),
                        new ProducerRecord<>(
                                config.modelsTopic(), WireCodec.key(ModelAdmission.routesKey(record)), routesBytes),
                        new ProducerRecord<>(
                                config.modelsTopic(), WireCodec.key("crypto"), models.encode(cryptoLine))));
        Map<String, List<String>> live = FeedReplay.run(kafka, config, run, ticks, 5, switchAt);

        Model m1 = Model.verify(pooled);
        Model m5 = Model.verify(cryptoLine);
        Map<String, List<String>> offline = new TreeMap<>();
        Backtest.runWithModels(
                i -> crypto(ticks.get(i).getSymbol())
                                && !ticks.get(i).getEventTime().isBefore(switchAt)
                        ? m5
                        : m1,
                ticks,
                ForecastSettings.DEFAULTS,
                s -> Long.MIN_VALUE,
                (t, f) -> offline.computeIfAbsent(f.getSymbol(), s -> new ArrayList<>())
                        .add(E2eData.describe(f)));
        assertThat(live).isEqualTo(offline);
        assertThat(live.get("BITSTAMP:BTCUSD")).anyMatch(d -> d.contains(" v5 GRU "));
        assertThat(live.get("BITSTAMP:BTCUSD")).anyMatch(d -> d.contains(" v1 LSTM "));
        assertThat(live.get("IDX:SPX")).noneMatch(d -> d.contains(" v5 GRU "));

        WireCodec<DeadLetter> deadLetterCodec = WireCodec.of(DeadLetter.class);
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (var r : KafkaIo.readAllCommitted(kafka.bootstrapServers(), config.deadLettersTopic())) {
            deadLetters.add(deadLetterCodec.decode(r.value()));
        }
        assertThat(deadLetters)
                .filteredOn(d -> d.getReason().equals("MODEL_REJECTED"))
                .singleElement()
                .satisfies(d -> assertThat(d.getDetail())
                        .startsWith("LINE: model of model line 'crypto', which this job routes no symbols to"));
    }
}
