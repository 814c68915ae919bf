package dev.tickcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickcast.cli.kafka.RecordJson;
import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.wire.WireCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** 'tickcast tail' against a real broker: every line is JSON a program can read. */
class TailCommandTest {

    private static final Instant T0 = Instant.parse("2024-01-02T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(2, "t.forecasts", "t.deadletters");
        WireCodec<Forecast> codec = WireCodec.of(Forecast.class);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String symbol = i % 2 == 0 ? "AAA" : "BBB";
            records.add(new ProducerRecord<>("t.forecasts", WireCodec.key(symbol), codec.encode(forecast(symbol, i))));
        }
        records.add(
                new ProducerRecord<>("t.forecasts", WireCodec.key("AAA"), "not avro".getBytes(StandardCharsets.UTF_8)));
        byte[] big = new byte[100_000];
        records.add(new ProducerRecord<>(
                "t.deadletters",
                WireCodec.key("AAA"),
                WireCodec.of(DeadLetter.class)
                        .encode(DeadLetter.newBuilder()
                                .setReason("NOT_AVRO")
                                .setDetail("test")
                                .setValue(ByteBuffer.wrap(big))
                                .setDetectedAt(T0)
                                .build())));
        KafkaRecords.produce(kafka.bootstrapServers(), "t.forecasts", records);
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    private static Forecast forecast(String symbol, int i) {
        return Forecast.newBuilder()
                .setSymbol(symbol)
                .setEventTime(T0.plusSeconds(i))
                .setLastPrice(100 + i)
                .setForecastPrice(100.5 + i)
                .setForecastLogReturn(0.001)
                .setIntervalLow(99 + i)
                .setIntervalHigh(102 + i)
                .setModelVersion(3)
                .setCellType(CellType.LSTM)
                .build();
    }

    private static List<JsonNode> json(CliRun run) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : run.outLines()) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    @Test
    void printsEachRecordAsOneJsonLineWithTheSchemasFields() throws Exception {
        CliRun run = CliRun.run(
                "tail",
                "t.forecasts",
                "--bootstrap",
                kafka.bootstrapServers(),
                "--from-beginning",
                "--symbol",
                "BBB",
                "--max",
                "3",
                "--timeout",
                "10s");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> lines = json(run);
        assertThat(lines).hasSize(3);
        assertThat(lines).allSatisfy(n -> assertThat(n.get("symbol").asText()).isEqualTo("BBB"));
        JsonNode first = lines.get(0);
        assertThat(first.get("event_time").asText()).isEqualTo(T0.plusSeconds(1).toString());
        assertThat(first.get("last_price").asDouble()).isEqualTo(101.0);
        assertThat(first.get("interval_high").asDouble()).isEqualTo(103.0);
        assertThat(first.get("model_version").asLong()).isEqualTo(3);
        assertThat(first.get("cell_type").asText()).isEqualTo("LSTM");
        assertThat(lines.stream().map(n -> n.get("last_price").asDouble())).containsExactly(101.0, 103.0, 105.0);
    }

    @Test
    void aRecordThatDoesNotDecodePrintsAnErrorLineAndTailGoesOn() throws Exception {
        CliRun run = CliRun.run(
                "tail",
                "t.forecasts",
                "--bootstrap",
                kafka.bootstrapServers(),
                "--from-beginning",
                "--symbol",
                "AAA",
                "--timeout",
                "2s",
                "--metadata");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> lines = json(run);
        assertThat(lines).hasSize(4);
        JsonNode error = lines.stream()
                .filter(n -> n.get("value").has("error"))
                .findFirst()
                .orElseThrow()
                .get("value");
        assertThat(error.get("reason").asText()).isEqualTo("NOT_AVRO");
        assertThat(error.get("value").get("hex").asText()).isEqualTo("6e6f74206176726f");
        assertThat(lines)
                .filteredOn(n -> !n.get("value").has("error"))
                .allSatisfy(
                        n -> assertThat(n.get("value").get("symbol").asText()).isEqualTo("AAA"))
                .hasSize(3);
        assertThat(lines.get(0).get("topic").asText()).isEqualTo("t.forecasts");
        assertThat(run.err()).contains("4 records printed as forecast, 1 of them undecodable");
    }

    @Test
    void bytesFieldsAreShortenedToLengthAndHexPrefix() throws Exception {
        CliRun run = CliRun.run(
                "tail", "t.deadletters", "--bootstrap", kafka.bootstrapServers(), "--from-beginning", "--max", "1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().length()).isLessThan(1_000);
        JsonNode value = json(run).get(0).get("value");
        assertThat(value.get("length").asInt()).isEqualTo(100_000);
        assertThat(value.get("hex").asText())
                .startsWith("0000")
                .endsWith("…")
                .hasSize(2 * RecordJson.HEX_PREFIX_BYTES + 1);
    }

    @Test
    void aTopicWhoseNameDoesNotTellItsTypeNeedsType() {
        CliRun run = CliRun.run("tail", "mystery", "--bootstrap", kafka.bootstrapServers());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("cannot tell the record type of topic mystery", "--type");
    }
}
