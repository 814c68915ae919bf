package dev.tickcast.cli.kafka;

import dev.tickcast.cli.common.UserException;
import dev.tickcast.job.JobOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Looks a topic up before a command uses it, so that a wrong address or topic name is one clear
 * line after a few seconds instead of a client that blocks for a minute and then times out.
 */
public final class KafkaTopics {

    public static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(15);

    private KafkaTopics() {}

    /** The topic's partitions, or a UserException saying what to check. */
    public static List<TopicPartition> partitions(KafkaConnection kafka, String topic) {
        String bootstrap = kafka.bootstrap();
        try (Admin admin = kafka.admin(lookupTimeouts())) {
            TopicDescription d = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic);
            return d.partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new UserException("topic " + topic + " does not exist at " + bootstrap
                        + "; check the name (--topic) or create it (the job's topics are listed in README.md)");
            }
            throw new UserException("cannot look up topic " + topic + " at " + bootstrap + ": "
                    + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new UserException("no Kafka broker answered at " + bootstrap + " within " + LOOKUP_TIMEOUT.toSeconds()
                    + " s; is a broker running there? Pass its address with --bootstrap HOST:PORT");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while looking up topic " + topic, 130);
        }
    }

    private static Map<String, Object> lookupTimeouts() {
        return Map.of(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) LOOKUP_TIMEOUT.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) LOOKUP_TIMEOUT.toMillis());
    }

    /**
     * Creates the job's five topics with their default names where missing (existing ones are left alone):
     * ticks and the three outputs with {@code partitions} partitions, the models topic compacted with one.
     * Retention is the broker's (unlimited on the local cluster). Returns the names it created.
     */
    public static List<String> ensureJobTopics(String bootstrap, int partitions) {
        try (Admin admin = KafkaConnection.plain(bootstrap).admin(lookupTimeouts())) {
            Set<String> existing = admin.listTopics().names().get(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (var option : List.of(
                    JobOptions.TICKS_TOPIC,
                    JobOptions.FORECASTS_TOPIC,
                    JobOptions.EVALUATIONS_TOPIC,
                    JobOptions.DEAD_LETTERS_TOPIC)) {
                if (!existing.contains(option.defaultValue())) {
                    missing.add(new NewTopic(option.defaultValue(), partitions, (short) 1));
                }
            }
            if (!existing.contains(JobOptions.MODELS_TOPIC.defaultValue())) {
                missing.add(new NewTopic(JobOptions.MODELS_TOPIC.defaultValue(), 1, (short) 1)
                        .configs(Map.of("cleanup.policy", "compact")));
            }
            admin.createTopics(missing).all().get(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return missing.stream().map(NewTopic::name).toList();
        } catch (ExecutionException e) {
            throw new UserException(
                    "could not create the job's topics at " + bootstrap + ": "
                            + e.getCause().getMessage(),
                    1);
        } catch (TimeoutException e) {
            throw new UserException(
                    "no Kafka broker answered at " + bootstrap + " within " + LOOKUP_TIMEOUT.toSeconds() + " s", 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while creating topics", 130);
        }
    }
}
