package dev.tickcast.cli;

import java.util.Map;
import java.util.Properties;

/**
 * Where a Kafka client connects and with which client properties (security: SASL, TLS; anything else a
 * Kafka client takes), shared by every command's producers, consumers and admin clients.
 */
record KafkaConnection(String bootstrap, Map<String, String> properties) {

    static KafkaConnection plain(String bootstrap) {
        return new KafkaConnection(bootstrap, Map.of());
    }

    /** Client properties: the user's first, then bootstrap.servers. Callers add their own settings on top. */
    Properties client() {
        Properties p = new Properties();
        p.putAll(properties);
        p.put("bootstrap.servers", bootstrap);
        return p;
    }

    /** The same properties as {@code --kafka.<key> value} job options (for the job and backfill). */
    java.util.List<String> asJobOptions() {
        java.util.List<String> args = new java.util.ArrayList<>();
        properties.forEach((k, v) -> {
            args.add("--kafka." + k);
            args.add(v);
        });
        return args;
    }
}
