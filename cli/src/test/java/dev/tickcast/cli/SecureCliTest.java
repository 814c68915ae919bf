package dev.tickcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.embedded.EmbeddedKafka;
import dev.tickcast.model.data.TickCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tools against a broker that requires SASL: every Kafka client of a command takes --kafka-config. */
class SecureCliTest {

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void replayTailTrainAndModelCommandsWorkThroughSasl() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startSaslPlain(Map.of("admin", "admin-secret"))) {
            kafka.createTopics(1, "s.ticks", "s.models");
            Path config = dir.resolve("client.properties");
            Properties p = new Properties();
            p.putAll(EmbeddedKafka.saslPlainClient("admin", "admin-secret"));
            try (var w = Files.newBufferedWriter(config)) {
                p.store(w, "SASL client");
            }
            List<String> lines = new ArrayList<>(List.of(TickCsv.HEADER));
            double price = 100;
            for (int i = 0; i < 600; i++) {
                price *= Math.exp(0.001 * Math.sin(i));
                lines.add("SEC," + Instant.parse("2024-01-01T00:00:00Z").plusSeconds(60L * i) + "," + price + ",");
            }
            Path csv = dir.resolve("t.csv");
            Files.write(csv, lines);
            String[] secure = {"--bootstrap", kafka.bootstrapServers(), "--kafka-config", config.toString()};

            CliRun replay = run(concat(new String[] {"replay", csv.toString(), "--topic", "s.ticks"}, secure));
            assertThat(replay.exitCode()).as(replay.err()).isZero();
            CliRun tail = run(concat(
                    new String[] {
                        "tail", "s.ticks", "--type", "tick", "--from-beginning", "--max", "3", "--timeout", "20s"
                    },
                    secure));
            assertThat(tail.exitCode()).as(tail.err()).isZero();
            assertThat(tail.out().lines())
                    .hasSize(3)
                    .allSatisfy(l -> assertThat(l).contains("\"symbol\":\"SEC\""));
            CliRun train = run(concat(
                    new String[] {
                        "train",
                        "--from-topic",
                        "s.ticks",
                        "--hidden",
                        "4",
                        "--epochs",
                        "1",
                        "--window",
                        "50",
                        "--publish",
                        "--force",
                        "--models-topic",
                        "s.models",
                        "--out",
                        dir.resolve("m.avro").toString()
                    },
                    secure));
            assertThat(train.exitCode()).as(train.err()).isZero();
            assertThat(train.out()).contains("on 600 ticks from kafka:s.ticks", "Published v1 to s.models");
            CliRun list = run(concat(new String[] {"model", "list", "--models-topic", "s.models"}, secure));
            assertThat(list.out()).contains("v1 ");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
