package dev.tickcast.cli.kafka;

import dev.tickcast.cli.common.UserException;
import dev.tickcast.job.serving.ModelAdmission;
import dev.tickcast.job.serving.ModelRecords;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.file.ModelRejectedException.Check;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelRoutes;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.ValidationMetrics;
import dev.tickcast.schema.wire.WireCodec;
import dev.tickcast.schema.wire.WireException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The models topic as the trainer and operators see it: models keyed by model name (compacted, so the
 * newest per name survives) and controls keyed by "name#control".
 */
public final class ModelsTopic {

    private final KafkaConnection kafka;
    private final String topic;
    private final WireCodec<ModelUpdate> models = ModelRecords.modelCodec();
    private final WireCodec<ModelControl> controls = WireCodec.of(ModelControl.class);
    private final ModelRecords records = new ModelRecords();

    public ModelsTopic(KafkaConnection kafka, String topic) {
        this.kafka = kafka;
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    /**
     * One record of the models topic as the job judges it, kept as a summary (a model record may be 64 MiB, a topic may
     * hold many): admitted ({@code refusal} null) or refused, and why.
     *
     * @param version null when the record is not a readable model
     * @param ofLine whether the record is a model of the replayed line (by its {@code model_name}, as the job decides)
     * @param check the check a model failed (null: admitted, or not a model)
     */
    public record Verdict(
            int partition,
            long offset,
            Long version,
            Instant createdAt,
            CellType cell,
            List<Integer> hiddenSizes,
            ValidationMetrics validation,
            boolean ofLine,
            Check check,
            String refusal) {
        public boolean admitted() {
            return refusal == null;
        }

        static Verdict of(ModelUpdate m, int partition, long offset, String line, ModelRejectedException refusal) {
            return new Verdict(
                    partition,
                    offset,
                    m.getVersion(),
                    m.getCreatedAt(),
                    m.getCellType(),
                    List.copyOf(m.getHiddenSizes()),
                    m.getValidation(),
                    line.equals(m.getModelName()),
                    refusal == null ? null : refusal.check(),
                    refusal == null ? null : refusal.getMessage());
        }

        static Verdict unreadable(int partition, long offset, String refusal) {
            return new Verdict(partition, offset, null, null, null, List.of(), null, false, null, refusal);
        }
    }

    /**
     * The models topic replayed in topic order with the job's rule ({@link ModelAdmission#admit}), so that a record the
     * job refuses (another line's model, an unsigned or tampered one, a version that jumps too far) is never
     * warm-started
     * from or counted as the newest.
     *
     * @param verdicts the records that concern the line: its models, and whatever else sits under its key
     * @param newest the newest admitted model of the line, or null
     */
    public record Replay(List<Verdict> verdicts, ModelUpdate newest) {
        /**
         * The highest version of the line, above the newest admitted one, that a job with another rule may hold:
         * refused
         * here only for its signature (a job without --trusted-keys admits it) or its version step (a job with a larger
         * --max-version-step does); 0 if none. A job holding it would refuse the version after {@link #newest}.
         */
        public long highestHeldElsewhere() {
            long newestVersion = newest == null ? 0 : newest.getVersion();
            return verdicts.stream()
                    .filter(v -> v.ofLine() && (v.check() == Check.SIGNATURE || v.check() == Check.VERSION))
                    .mapToLong(Verdict::version)
                    .filter(version -> version > newestVersion && version <= ModelAdmission.MAX_VERSION)
                    .max()
                    .orElse(0);
        }
    }

    /**
     * Every record on the topic now, judged as the job judges it: by the model's {@code model_name}, whatever its key.
     * Controls are skipped (the job tells them apart by schema); records of other lines are left out unless they sit
     * under the line's key.
     */
    public Replay replay(ModelAdmission admission) {
        Map<String, PublicKey> trusted;
        try {
            trusted = admission.keysById();
        } catch (IOException e) {
            throw new UserException("--trusted-keys: " + e.getMessage());
        }
        String line = admission.line();
        List<Verdict> verdicts = new ArrayList<>();
        ModelUpdate[] newest = {null};
        BoundedTopicReader.read(kafka, topic, r -> {
            boolean underLineKey = r.key() != null && line.equals(new String(r.key(), StandardCharsets.UTF_8));
            if (r.value() == null) {
                return; // a tombstone: the job ignores it and keeps what it holds
            }
            if (r.key() != null && r.key().length > ModelRecords.MAX_KEY_BYTES) {
                return; // the job dead-letters it unread (and it cannot be under the line's key)
            }
            ModelUpdate update;
            try {
                update = records.decode(r.value()).getUpdate();
            } catch (WireException e) {
                if (underLineKey) {
                    verdicts.add(Verdict.unreadable(r.partition(), r.offset(), e.reason() + ": " + e.getMessage()));
                }
                return; // unreadable bytes (those under another line's key do not concern it)
            }
            if (update == null) {
                return; // a control
            }
            boolean ofLine = line.equals(update.getModelName());
            if (!ofLine && !underLineKey) {
                return; // another line's model: the job refuses it, and it does not touch this line
            }
            ModelUpdate held = newest[0];
            if (held != null && ModelAdmission.isResent(update, held)) {
                return; // the newest model sent again: the job keeps what it has
            }
            try {
                admission.admit(update, held == null ? 0 : held.getVersion(), trusted);
            } catch (ModelRejectedException e) {
                verdicts.add(Verdict.of(update, r.partition(), r.offset(), line, e));
                return;
            }
            newest[0] = update;
            verdicts.add(Verdict.of(update, r.partition(), r.offset(), line, null));
        });
        return new Replay(verdicts, newest[0]);
    }

    /** A control record of a line as it sits on the topic (not judged: the job's dead letters say what it refused). */
    public record Control(int partition, long offset, ModelControl control) {}

    /** Every readable control of {@code line} on the topic now, in topic order. */
    public List<Control> controls(String line) {
        List<Control> controls = new ArrayList<>();
        BoundedTopicReader.read(kafka, topic, r -> {
            if (r.value() == null || (r.key() != null && r.key().length > ModelRecords.MAX_KEY_BYTES)) {
                return;
            }
            try {
                ModelControl control = records.decode(r.value()).getControl();
                if (control != null && line.equals(control.getModelName())) {
                    controls.add(new Control(r.partition(), r.offset(), control));
                }
            } catch (WireException e) {
                // unreadable: 'model list' reports those under the line's key
            }
        });
        return controls;
    }

    /** A routes record as it sits on the topic. */
    public record Routes(int partition, long offset, ModelRoutes routes) {}

    /** Every readable routes record on the topic now, in topic order. */
    public List<Routes> routes() {
        List<Routes> routes = new ArrayList<>();
        BoundedTopicReader.read(kafka, topic, r -> {
            if (r.value() == null || (r.key() != null && r.key().length > ModelRecords.MAX_KEY_BYTES)) {
                return;
            }
            try {
                ModelRoutes record = records.decode(r.value()).getRoutes();
                if (record != null) {
                    routes.add(new Routes(r.partition(), r.offset(), record));
                }
            } catch (WireException e) {
                // unreadable: not routes the job applies either
            }
        });
        return routes;
    }

    /**
     * The replay, with each refused record reported to {@code warnings}: that is how an attacker's record on the topic
     * shows up instead of being warm-started from and signed.
     */
    public Replay replay(ModelAdmission admission, PrintWriter warnings) {
        Replay replay = replay(admission);
        for (Verdict v : replay.verdicts()) {
            if (!v.admitted()) {
                warnings.printf(
                        "%s: skipped the record at partition %d offset %d (%s)%n",
                        topic, v.partition(), v.offset(), v.refusal());
            }
        }
        warnings.flush();
        return replay;
    }

    /** Under its topic key ({@link ModelAdmission#topicKey(ModelUpdate)}): a challenger apart from the champion. */
    public void publish(ModelUpdate model) {
        send(ModelAdmission.topicKey(model), models.encode(model));
    }

    /** Under its topic key ({@link ModelAdmission#topicKey(ModelControl)}): a decision under its own. */
    public void publish(ModelControl control) {
        send(ModelAdmission.topicKey(control), controls.encode(control));
    }

    /** Under its own key ({@link ModelAdmission#routesKey}): compaction keeps every routes record. */
    public void publish(ModelRoutes routes) {
        send(ModelAdmission.routesKey(routes), WireCodec.of(ModelRoutes.class).encode(routes));
    }

    private void send(String key, byte[] value) {
        try (KafkaProducer<byte[], byte[]> producer =
                kafka.producer(Map.of("max.request.size", String.valueOf(ModelRecords.MAX_MODEL_BYTES + 1024)))) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while publishing to " + topic);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new UserException("publishing to " + topic + " at " + kafka.bootstrap() + " failed: "
                    + e.getCause().getMessage());
        }
    }
}
