package dev.tickcast.cli;

import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.wire.WireCodec;
import dev.tickcast.schema.wire.WireException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The models topic as the trainer and operators see it: models keyed by model name (compacted, so the
 * newest per name survives) and controls keyed by "name#control".
 */
final class ModelsTopic {

    static final int MAX_MODEL_BYTES = 64 << 20;

    private final KafkaConnection kafka;
    private final String topic;
    private final WireCodec<ModelUpdate> models = WireCodec.of(ModelUpdate.class, MAX_MODEL_BYTES);
    private final WireCodec<ModelControl> controls = WireCodec.of(ModelControl.class);

    ModelsTopic(KafkaConnection kafka, String topic) {
        this.kafka = kafka;
        this.topic = topic;
    }

    String topic() {
        return topic;
    }

    /** Every decodable ModelUpdate of the model line on the topic now, in topic order. */
    List<ModelUpdate> published(String modelName) {
        List<ModelUpdate> found = new ArrayList<>();
        BoundedTopicReader.read(kafka, topic, r -> {
            if (r.value() == null || r.key() == null || !modelName.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                return;
            }
            try {
                found.add(models.decode(r.value()));
            } catch (WireException notAModel) {
                // a record of another kind under this key: not a model, not counted
            }
        });
        return found;
    }

    /** The newest version published for the model line, or null. */
    ModelUpdate latest(String modelName) {
        return published(modelName).stream().max(java.util.Comparator.comparingLong(ModelUpdate::getVersion)).orElse(null);
    }

    void publish(ModelUpdate model) {
        send(model.getModelName(), models.encode(model));
    }

    void publish(ModelControl control) {
        send(control.getModelName() + "#control", controls.encode(control));
    }

    private void send(String key, byte[] value) {
        Properties p = kafka.client();
        p.put("enable.idempotence", "true");
        p.put("acks", "all");
        p.put("max.request.size", String.valueOf(MAX_MODEL_BYTES + 1024));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while publishing to " + topic);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new UserException("publishing to " + topic + " at " + kafka.bootstrap() + " failed: " + e.getCause().getMessage());
        }
    }
}
