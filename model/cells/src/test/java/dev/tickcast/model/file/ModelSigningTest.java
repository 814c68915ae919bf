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
}
