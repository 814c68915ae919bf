package dev.tickcast.cli.command;

import dev.tickcast.cli.common.UserException;
import dev.tickcast.cli.kafka.KafkaConnection;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** The Kafka connection options every command that talks to Kafka shares. */
public final class KafkaOptions {

    @Option(
            names = "--bootstrap",
            description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE}.",
            defaultValue = "127.0.0.1:9092")
    public String bootstrap;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description = "A Kafka client properties file (e.g. security.protocol,"
                    + " sasl.mechanism, sasl.jaas.config, ssl.truststore.location) applied to every"
                    + " client of this command.")
    public Path configFile;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description = "One Kafka client property, after --kafka-config; repeatable.")
    public Map<String, String> properties = new LinkedHashMap<>();

    public KafkaConnection connection() {
        Map<String, String> all = new LinkedHashMap<>();
        if (configFile != null) {
            Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(configFile)) {
                file.load(reader);
            } catch (IOException e) {
                throw new UserException("--kafka-config: cannot read " + configFile + ": " + e.getMessage());
            }
            file.stringPropertyNames().forEach(k -> all.put(k, file.getProperty(k)));
        }
        all.putAll(properties);
        if (all.containsKey("bootstrap.servers")) {
            throw new UserException("set the servers with --bootstrap, not bootstrap.servers in the client properties");
        }
        return new KafkaConnection(bootstrap, Map.copyOf(all));
    }
}
