package dev.tickcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.model.data.TickCsv;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'tickcast replay' into a real broker, read back with a plain consumer. */
class ReplayCommandTest {

    private static final Instant T0 = Instant.parse("2024-01-02T10:00:00Z");
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

    private static String row(String symbol, long seconds, double price) {
        return symbol + "," + T0.plusSeconds(seconds) + "," + price + ",";
    }

    private static Map<String, List<Double>> pricesByKey(List<ConsumerRecord<byte[], byte[]>> records)
            throws Exception {
        WireCodec<Tick> codec = WireCodec.of(Tick.class);
        Map<String, List<Double>> byKey = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Tick t = codec.decode(r.value());
            String key = new String(r.key(), StandardCharsets.UTF_8);
            assertThat(t.getSymbol()).isEqualTo(key);
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(t.getPrice());
        }
        return byKey;
    }

    @Test
    void sendsExactlyTheValidRowsKeyedBySymbolInFileOrderAndReportsBadRowsByLine() throws Exception {
        kafka.createTopics(3, "replay.ticks");
        Path csv = dir.resolve("ticks.csv");
        Files.write(
                csv,
                List.of(
                        TickCsv.HEADER,
                        row("AAA", 0, 10),
                        row("BBB", 0, 20),
                        "AAA,yesterday,11,",
                        row("AAA", 60, 12),
                        "BBB," + T0 + ",-3,",
                        row("BBB", 60, 21),
                        "AAA,2024-01-02T10:02:00Z,13",
                        row("AAA", 120, 14),
                        row("BBB", 120, 22)));

        CliRun run = CliRun.run(
                "replay", csv.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", "replay.ticks");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err())
                .contains(
                        "3 bad row(s)",
                        "line 4: timestamp 'yesterday'",
                        "line 6: BAD_PRICE",
                        "line 8: expected 4 columns");
        assertThat(run.out())
                .contains("Sent 6 ticks", "rejected 3 rows (BAD_COLUMNS=1, BAD_PRICE=1, BAD_TIME=1)", "ticks/s");
        List<ConsumerRecord<byte[], byte[]>> records =
                KafkaRecords.readAll(kafka.bootstrapServers(), "replay.ticks", 6);
        assertThat(records).hasSize(6);
        assertThat(pricesByKey(records))
                .isEqualTo(Map.of("AAA", List.of(10.0, 12.0, 14.0), "BBB", List.of(20.0, 21.0, 22.0)));
    }

    @Test
    void pacedReplayKeepsFileOrderAndIsNotFasterThanItsSchedule() throws Exception {
        kafka.createTopics(1, "paced.ticks");
        Path csv = dir.resolve("paced.csv");
        // Event-time gaps of 1 s (100 ms at speed 10) and one weekend, capped by --max-gap at 300 ms.
        Files.write(
                csv,
                List.of(
                        row("AAA", 0, 1),
                        row("BBB", 1, 2),
                        row("AAA", 2, 3),
                        row("BBB", 3, 4),
                        row("AAA", 3 + 2 * 86_400, 5),
                        row("BBB", 4 + 2 * 86_400, 6)));

        long start = System.nanoTime();
        CliRun run = CliRun.run(
                "replay",
                csv.toString(),
                "--bootstrap",
                kafka.bootstrapServers(),
                "--topic",
                "paced.ticks",
                "--speed",
                "10",
                "--max-gap",
                "300ms");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(elapsedMs).isGreaterThanOrEqualTo(4 * 100 + 300);
        List<ConsumerRecord<byte[], byte[]>> records = KafkaRecords.readAll(kafka.bootstrapServers(), "paced.ticks", 6);
        WireCodec<Tick> codec = WireCodec.of(Tick.class);
        List<Double> prices = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            prices.add(codec.decode(r.value()).getPrice());
        }
        assertThat(prices).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0);
    }

    @Test
    void replaysAnAvroContainerFileOfTicksFilteredBySymbol() throws Exception {
        kafka.createTopics(2, "avro.ticks");
        Path avro = dir.resolve("ticks.avro");
        try (DataFileWriter<Tick> w = new DataFileWriter<>(new SpecificDatumWriter<>(Tick.class))) {
            w.create(Tick.getClassSchema(), avro.toFile());
            for (int i = 0; i < 10; i++) {
                w.append(Tick.newBuilder()
                        .setSymbol(i % 2 == 0 ? "AAA" : "BBB")
                        .setEventTime(T0.plusSeconds(i))
                        .setPrice(100 + i)
                        .setVolume(null)
                        .build());
            }
            w.append(Tick.newBuilder()
                    .setSymbol("AAA")
                    .setEventTime(T0.plusSeconds(20))
                    .setPrice(Double.NaN)
                    .setVolume(null)
                    .build());
        }

        CliRun run = CliRun.run(
                "replay",
                avro.toString(),
                "--bootstrap",
                kafka.bootstrapServers(),
                "--topic",
                "avro.ticks",
                "--symbol",
                "AAA");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("record 11: BAD_PRICE");
        assertThat(run.out())
                .contains("Sent 5 ticks", "rejected 1 rows (BAD_PRICE=1)", "5 ticks of other symbols left out");
        assertThat(pricesByKey(KafkaRecords.readAll(kafka.bootstrapServers(), "avro.ticks", 5)))
                .isEqualTo(Map.of("AAA", List.of(100.0, 102.0, 104.0, 106.0, 108.0)));
    }

    @Test
    void missingOrUnusableFileExitsTwoWithOneClearLine() throws Exception {
        CliRun missing =
                CliRun.run("replay", dir.resolve("nope.csv").toString(), "--bootstrap", kafka.bootstrapServers());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip())
                .startsWith("tickcast replay: no tick file at")
                .doesNotContain("Exception");

        Path bad = dir.resolve("bad.csv");
        Files.write(bad, List.of(TickCsv.HEADER, "X,yesterday,1,", "Y,2021-01-01T00:00:00Z,-3,"));
        CliRun unusable = CliRun.run("replay", bad.toString(), "--bootstrap", kafka.bootstrapServers());
        assertThat(unusable.exitCode()).isEqualTo(2);
        assertThat(unusable.err()).contains("line 2:", "line 3: BAD_PRICE", "has no usable row (2 bad)");
    }

    @Test
    void missingTopicIsRefusedNamingItAndWhatToDo() throws Exception {
        Path csv = dir.resolve("one.csv");
        Files.write(csv, List.of(row("AAA", 0, 1)));
        CliRun run = CliRun.run(
                "replay", csv.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", "no.such.topic");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("topic no.such.topic does not exist");
    }

    @Test
    void speedMustBeMaxOrAPositiveFactor() {
        CliRun run = CliRun.run("replay", "x.csv", "--speed", "fast");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'fast' is not a speed; use 'max' or a factor above 0");
    }
}
