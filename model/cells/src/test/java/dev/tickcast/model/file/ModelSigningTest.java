package dev.tickcast.model.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tickcast.model.testdata.TestModels;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelUpdate;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSigningTest {

    private static final KeyPair ALICE = ModelSigning.generate();
    private static final KeyPair BOB = ModelSigning.generate();
    private static final ModelUpdate MODEL = TestModels.fullUpdate(4, CellType.LSTM, new int[] {4}, 3);

    private static Map<String, PublicKey> trust(KeyPair... pairs) {
        Map<String, PublicKey> keys = new java.util.LinkedHashMap<>();
        for (KeyPair p : pairs) {
            keys.put(ModelSigning.keyId(p.getPublic()), p.getPublic());
        }
        return keys;
    }

    private static ModelSigningAssert rejects(ModelUpdate model, Map<String, PublicKey> trusted) {
        return new ModelSigningAssert(model, trusted);
    }

    private record ModelSigningAssert(ModelUpdate model, Map<String, PublicKey> trusted) {
        void with(String message) {
            assertThatThrownBy(() -> ModelSigning.verify(model, trusted))
                    .isInstanceOfSatisfying(ModelRejectedException.class, e -> {
                        assertThat(e.check()).isEqualTo(ModelRejectedException.Check.SIGNATURE);
                        assertThat(e.getMessage()).startsWith("SIGNATURE: ").contains(message);
                    });
        }
    }

    /** The horizons say what each output means: changing those of a signed model breaks its signature. */
    @Test
    void theHorizonsOfASignedModelAreSigned() throws Exception {
        ModelUpdate model = TestModels.update(5, CellType.LSTM, new int[] {4}, new int[] {1, 5, 20}, 3);
        ModelUpdate signed = ModelSigning.sign(model, ALICE.getPrivate(), ALICE.getPublic());
        assertThatCode(() -> ModelSigning.verify(signed, trust(ALICE))).doesNotThrowAnyException();
        ModelUpdate relabelled = ModelUpdate.newBuilder(signed)
                .setHorizons(java.util.List.of(1, 2, 3))
                .build();
        assertThatThrownBy(() -> ModelSigning.verify(relabelled, trust(ALICE)))
                .isInstanceOf(ModelRejectedException.class);
    }

    @Test
    void signedModelVerifiesWithItsKeyAmongSeveralTrustedOnes() {
        ModelUpdate signed = ModelSigning.sign(MODEL, ALICE.getPrivate(), ALICE.getPublic());
        assertThat(signed.getSigner())
                .isEqualTo(ModelSigning.keyId(ALICE.getPublic()))
                .hasSize(16);
        assertThatCode(() -> ModelSigning.verify(signed, trust(BOB, ALICE))).doesNotThrowAnyException();
    }

    @Test
    void unsignedModelIsRefusedNamingTheTrustedKeys() {
        rejects(MODEL, trust(ALICE))
                .with("is not signed; this job trusts keys [" + ModelSigning.keyId(ALICE.getPublic()) + "]");
    }

    @Test
    void modelSignedByAnUntrustedKeyIsRefused() {
        ModelUpdate byBob = ModelSigning.sign(MODEL, BOB.getPrivate(), BOB.getPublic());
        rejects(byBob, trust(ALICE))
                .with("signed by key " + ModelSigning.keyId(BOB.getPublic()) + ", which this job does not trust");
    }

    @Test
    void anyChangeAfterSigningBreaksTheSignatureEvenWithAConsistentChecksum() {
        ModelUpdate signed = ModelSigning.sign(MODEL, ALICE.getPrivate(), ALICE.getPublic());
        float[] weights = Weights.fromBytes(signed.getWeights());
        weights[0] += 0.5f;
        ByteBuffer bytes = ByteBuffer.wrap(Weights.toBytes(weights));
        ModelUpdate tampered = ModelUpdate.newBuilder(signed)
                .setWeights(bytes)
                .setWeightsSha256(ByteBuffer.wrap(Weights.sha256(bytes)))
                .build();
        rejects(tampered, trust(ALICE)).with("does not verify with key");
        rejects(ModelUpdate.newBuilder(signed).setVersion(99).build(), trust(ALICE))
                .with("does not verify");
        // A signer field naming a trusted key does not help a signature made by another one.
        ModelUpdate forged = ModelUpdate.newBuilder(ModelSigning.sign(MODEL, BOB.getPrivate(), BOB.getPublic()))
                .setSigner(ModelSigning.keyId(ALICE.getPublic()))
                .build();
        rejects(forged, trust(ALICE)).with("does not verify");
    }

    @Test
    void effectiveTimeIsSchedulingAndNotSigned() {
        ModelUpdate signed = ModelSigning.sign(MODEL, ALICE.getPrivate(), ALICE.getPublic());
        ModelUpdate scheduled = ModelUpdate.newBuilder(signed)
                .setEffectiveTime(Instant.parse("2030-01-01T00:00:00Z"))
                .build();
        assertThatCode(() -> ModelSigning.verify(scheduled, trust(ALICE))).doesNotThrowAnyException();
    }

    @Test
    void controlsAreSignedOverEveryFieldIncludingWhenTheyWereIssued() {
        ModelControl pin = ModelControl.newBuilder()
                .setAction(ModelAction.PIN)
                .setVersion(3)
                .setIssuedAt(Instant.parse("2026-12-06T08:00:00Z"))
                .setReason("v4 drifts")
                .build();
        ModelControl signed = ModelSigning.sign(pin, ALICE.getPrivate(), ALICE.getPublic());
        assertThatCode(() -> ModelSigning.verify(signed, trust(ALICE))).doesNotThrowAnyException();

        for (ModelControl changed : List.of(
                ModelControl.newBuilder(signed).setVersion(2).build(),
                ModelControl.newBuilder(signed).setAction(ModelAction.UNPIN).build(),
                ModelControl.newBuilder(signed)
                        .setIssuedAt(Instant.parse("2027-01-01T00:00:00Z"))
                        .build(),
                ModelControl.newBuilder(signed).setModelName("canary").build())) {
            assertThatThrownBy(() -> ModelSigning.verify(changed, trust(ALICE)))
                    .isInstanceOf(ModelRejectedException.class)
                    .hasMessageContaining("does not verify");
        }
        assertThatThrownBy(() -> ModelSigning.verify(pin, trust(ALICE)))
                .hasMessageContaining("PIN control is not signed");
        assertThatThrownBy(() ->
                        ModelSigning.verify(ModelSigning.sign(pin, BOB.getPrivate(), BOB.getPublic()), trust(ALICE)))
                .hasMessageContaining("which this job does not trust");
    }

    @Test
    void keysRoundTripThroughPemFilesAndThePrivateOneIsOwnerOnly(@TempDir Path dir) throws Exception {
        ModelSigning.writeKeyPair(ALICE, dir.resolve("k.key"), dir.resolve("k.pub"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("k.key")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(dir.resolve("k.pub"))).startsWith("-----BEGIN PUBLIC KEY-----");
        ModelUpdate signed = ModelSigning.sign(
                MODEL,
                ModelSigning.readPrivateKey(dir.resolve("k.key")),
                ModelSigning.readPublicKey(dir.resolve("k.pub")));
        assertThatCode(() -> ModelSigning.verify(
                        signed,
                        ModelSigning.trusted(List.of(
                                ModelSigning.readPublicKey(dir.resolve("k.pub")).getEncoded()))))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> ModelSigning.readPublicKey(dir.resolve("k.key")))
                .hasMessageContaining("has no '-----BEGIN PUBLIC KEY-----' block");
    }

    /**
     * What the builds before the challenger role signed: the model's wire encoding under its first schema (made here
     * with Avro's generic writer and the history's schema file, not with the code under test), and a pin's under the
     * second ModelControl schema. Their signatures still verify; the role is signed.
     */
    @Test
    void signaturesMadeBeforeTheSchemasGrewStillVerify() throws Exception {
        ModelUpdate clean = ModelUpdate.newBuilder(MODEL).setEffectiveTime(null).build();
        byte[] oldPayload = earlierEncoding(clean, ModelUpdate.getClassSchema(), "ModelUpdate.v1.avsc");
        ModelUpdate signedByOldBuild = ModelUpdate.newBuilder(MODEL)
                .setSigner(ModelSigning.keyId(ALICE.getPublic()))
                .setSignature(ByteBuffer.wrap(ed25519(oldPayload)))
                .build();
        assertThatCode(() -> ModelSigning.verify(signedByOldBuild, trust(ALICE)))
                .doesNotThrowAnyException();
        ModelUpdate asChallenger = ModelUpdate.newBuilder(signedByOldBuild)
                .setRole(dev.tickcast.schema.ModelRole.CHALLENGER)
                .build();
        assertThatThrownBy(() -> ModelSigning.verify(asChallenger, trust(ALICE)))
                .hasMessageContaining("changed after signing");
        ModelUpdate signedChallenger = ModelSigning.sign(
                ModelUpdate.newBuilder(MODEL)
                        .setRole(dev.tickcast.schema.ModelRole.CHALLENGER)
                        .build(),
                ALICE.getPrivate(),
                ALICE.getPublic());
        assertThatCode(() -> ModelSigning.verify(signedChallenger, trust(ALICE)))
                .doesNotThrowAnyException();
        ModelUpdate replayedAsChampion = ModelUpdate.newBuilder(signedChallenger)
                .setRole(dev.tickcast.schema.ModelRole.CHAMPION)
                .build();
        assertThatThrownBy(() -> ModelSigning.verify(replayedAsChampion, trust(ALICE)))
                .as("a signed challenger cannot skip its challenge")
                .hasMessageContaining("changed after signing");

        ModelControl pin = ModelControl.newBuilder()
                .setModelName("default")
                .setAction(ModelAction.PIN)
                .setVersion(3)
                .setIssuedAt(Instant.parse("2026-01-01T00:00:00Z"))
                .build();
        byte[] oldPin = earlierEncoding(pin, ModelControl.getClassSchema(), "ModelControl.v2.avsc");
        ModelControl pinSignedByOldBuild = ModelControl.newBuilder(pin)
                .setSigner(ModelSigning.keyId(ALICE.getPublic()))
                .setSignature(ByteBuffer.wrap(ed25519(oldPin)))
                .build();
        assertThatCode(() -> ModelSigning.verify(pinSignedByOldBuild, trust(ALICE)))
                .doesNotThrowAnyException();
        // A decision is signed over all of it: changing its effective time breaks the signature.
        ModelControl promote = ModelSigning.sign(
                ModelControl.newBuilder(pin).setAction(ModelAction.PROMOTE).build(),
                ALICE.getPrivate(),
                ALICE.getPublic());
        ModelControl retimed = ModelControl.newBuilder(promote)
                .setEffectiveTime(Instant.parse("2030-01-01T00:00:00Z"))
                .build();
        assertThatCode(() -> ModelSigning.verify(promote, trust(ALICE))).doesNotThrowAnyException();
        rejectsControl(retimed);
    }

    private static void rejectsControl(ModelControl control) {
        assertThatThrownBy(() -> ModelSigning.verify(control, trust(ALICE)))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("changed after signing");
    }

    /** The record in single-object encoding under an earlier schema, by Avro's generic reader and writer. */
    private static byte[] earlierEncoding(
            org.apache.avro.specific.SpecificRecord value, org.apache.avro.Schema current, String historyFile)
            throws Exception {
        org.apache.avro.Schema earlier;
        try (var in = ModelSigningTest.class.getResourceAsStream("/avro/history/" + historyFile)) {
            earlier = new org.apache.avro.Schema.Parser().parse(in);
        }
        var model = new org.apache.avro.specific.SpecificData();
        model.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMillisConversion());
        ByteBuffer now = new org.apache.avro.message.BinaryMessageEncoder<>(model, current).encode(value);
        var generic = new org.apache.avro.generic.GenericData();
        var decoder = new org.apache.avro.message.BinaryMessageDecoder<org.apache.avro.generic.GenericRecord>(
                generic, earlier);
        decoder.addSchema(current);
        org.apache.avro.generic.GenericRecord old = decoder.decode(now);
        ByteBuffer bytes = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                        generic, earlier)
                .encode(old);
        byte[] out = new byte[bytes.remaining()];
        bytes.get(out);
        return out;
    }

    private static byte[] ed25519(byte[] payload) throws Exception {
        var signer = java.security.Signature.getInstance("Ed25519");
        signer.initSign(ALICE.getPrivate());
        signer.update(payload);
        return signer.sign();
    }
}
