package dev.tickcast.cli;

import dev.tickcast.job.ModelAdmission;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.wire.WireCodec;
import dev.tickcast.schema.wire.WireException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /**
     * A model record of a line as the job would take it: admitted ({@code refusal} null) or refused, and why. Replayed in
     * topic order with the job's rule ({@link ModelAdmission#admit}), so a record the job refuses (another line's model,
     * an unsigned or tampered one, a version that jumps too far) is never warm-started from or counted as the newest.
     */
    record Published(ModelUpdate update, long offset, String refusal) {
        boolean admitted() {
            return refusal == null;
        }
    }

    /** Every record under the line's key on the topic now, in topic order, each with the job's verdict. */
    List<Published> published(ModelAdmission admission) {
        Map<String, PublicKey> trusted;
        try {
            trusted = admission.keysById();
        } catch (IOException e) {
            throw new UserException("--trusted-keys: " + e.getMessage());
        }
        List<Published> found = new ArrayList<>();
        long[] newest = {0};
        java.nio.ByteBuffer[] newestSha = {null};
        BoundedTopicReader.read(kafka, topic, r -> {
            if (r.value() == null || r.key() == null || !admission.line().equals(new String(r.key(), StandardCharsets.UTF_8))) {
                return; // a tombstone, or a record of another line or a control ("line#control")
            }
            ModelUpdate update;
            try {
                update = models.decode(r.value());
            } catch (WireException e) {
                found.add(new Published(null, r.offset(), e.reason() + ": " + e.getMessage()));
                return;
            }
            if (update.getVersion() == newest[0] && update.getWeightsSha256().equals(newestSha[0])) {
                return; // the newest model sent again: the job keeps what it has
            }
            try {
                admission.admit(update, newest[0], trusted);
            } catch (ModelRejectedException e) {
                found.add(new Published(update, r.offset(), e.getMessage()));
                return;
            }
            newest[0] = update.getVersion();
            newestSha[0] = update.getWeightsSha256();
            found.add(new Published(update, r.offset(), null));
        });
        return found;
    }

    /**
     * The newest admitted model of the line, or null; each refused record is reported to {@code warnings}, which is how
     * an attacker's record on the topic shows up instead of being warm-started from and signed.
     */
    ModelUpdate latest(ModelAdmission admission, PrintWriter warnings) {
        ModelUpdate latest = null;
        for (Published p : published(admission)) {
            if (p.admitted()) {
                latest = p.update();
            } else {
                warnings.printf("%s: skipped the record at offset %d (%s)%n", topic, p.offset(), p.refusal());
            }
        }
        warnings.flush();
        return latest;
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
