package dev.tickcast.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Looks a topic up before a command uses it, so that a wrong address or topic name is one clear
 * line after a few seconds instead of a client that blocks for a minute and then times out.
 */
final class KafkaTopics {

    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(15);

    private KafkaTopics() {}

    /** The topic's partitions, or a UserException saying what to check. */
    static List<TopicPartition> partitions(KafkaConnection kafka, String topic) {
        String bootstrap = kafka.bootstrap();
        java.util.Properties config = kafka.client();
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) LOOKUP_TIMEOUT.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) LOOKUP_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(config)) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return d.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new UserException("topic " + topic + " does not exist at " + bootstrap
                        + "; check the name (--topic) or create it (the job's topics are listed in README.md)");
            }
            throw new UserException("cannot look up topic " + topic + " at " + bootstrap + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new UserException("no Kafka broker answered at " + bootstrap + " within " + LOOKUP_TIMEOUT.toSeconds()
                    + " s; is a broker running there? Pass its address with --bootstrap HOST:PORT");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while looking up topic " + topic, 130);
        }
    }
}
