package dev.tickcast.model.file;

import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelRole;
import dev.tickcast.schema.ModelRoutes;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.wire.WireCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ed25519 signatures on models (JDK crypto only), so that writing to the models topic is not enough to
 * change every forecast: the job serves only models signed by a key it trusts.
 *
 * <p>The signature covers the whole ModelUpdate — name, weights, checksum, shape, scaler, version, metrics,
 * horizons — and its role — in its wire encoding with {@code signature}, {@code signer} and {@code effective_time} cleared: a
 * one-horizon champion's under the first ModelUpdate schema ({@code ModelUpdate.v1}, which has no role), so every
 * signature made before the schema grew still verifies; a challenger's with its role, so that a signed challenger
 * cannot be replayed as a champion and skip its challenge; a model of several horizons with them. The effective time is left out on purpose: it is deployment
 * scheduling ({@code FILE@TIME}, chosen when a model is published or replayed), not the model. That leaves a
 * signed model replayable with another effective time, which the job makes harmless: it accepts a version only if
 * newer than every one it holds, and a second delivery of the newest changes nothing, so an old or re-timed copy
 * is refused or ignored.
 *
 * <p>Controls are signed over all their fields, {@code issued_at} included; the job applies a control only if it
 * was issued after the last one it applied, so an old signed control cannot be replayed. A pin or unpin is
 * encoded for signing under {@code ModelControl.v2} (before controls could decide challenges), so that pins
 * signed by earlier builds still verify, and theirs by ours.
 * {@code signer} names the key: the first 8 bytes of the SHA-256 of its encoding, in hex.
 *
 * <p>Keys are PEM files: PKCS#8 private keys, X.509 SubjectPublicKeyInfo public keys.
 */
public final class ModelSigning {

    private static final String ALGORITHM = "Ed25519";
    private static final WireCodec<ModelUpdate> MODELS = WireCodec.of(ModelUpdate.class, Integer.MAX_VALUE);
    private static final WireCodec<ModelControl> CONTROLS = WireCodec.of(ModelControl.class);
    private static final WireCodec<ModelRoutes> ROUTES = WireCodec.of(ModelRoutes.class);

    private ModelSigning() {}

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has Ed25519 (Java 15+)", e);
        }
    }

    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** The model, signed: {@code signer} = the key's id, {@code signature} = Ed25519 over the signed payload. */
    public static ModelUpdate sign(ModelUpdate model, PrivateKey privateKey, PublicKey publicKey) {
        return ModelUpdate.newBuilder(model)
                .setSigner(keyId(publicKey))
                .setSignature(signature(payload(model), privateKey))
                .build();
    }

    /** The control, signed the same way (over its wire encoding with signature and signer cleared). */
    public static ModelControl sign(ModelControl control, PrivateKey privateKey, PublicKey publicKey) {
        return ModelControl.newBuilder(control)
                .setSigner(keyId(publicKey))
                .setSignature(signature(payload(control), privateKey))
                .build();
    }

    /** Routes, signed the same way (over their wire encoding with signature and signer cleared). */
    public static ModelRoutes sign(ModelRoutes routes, PrivateKey privateKey, PublicKey publicKey) {
        return ModelRoutes.newBuilder(routes)
                .setSigner(keyId(publicKey))
                .setSignature(signature(payload(routes), privateKey))
                .build();
    }

    /**
     * Checks that a model is signed by one of the trusted keys.
     *
     * @param trusted key id → public key
     * @throws ModelRejectedException with check SIGNATURE saying what is wrong and what is trusted
     */
    public static void verify(ModelUpdate model, Map<String, PublicKey> trusted) throws ModelRejectedException {
        verify("model v" + model.getVersion(), model.getSignature(), model.getSigner(), payload(model), trusted);
    }

    /** Checks that a control (pin, unpin) is signed by one of the trusted keys. */
    public static void verify(ModelControl control, Map<String, PublicKey> trusted) throws ModelRejectedException {
        verify(
                control.getAction() + " control",
                control.getSignature(),
                control.getSigner(),
                payload(control),
                trusted);
    }

    /** Checks that routes are signed by one of the trusted keys. */
    public static void verify(ModelRoutes routes, Map<String, PublicKey> trusted) throws ModelRejectedException {
        verify("routes", routes.getSignature(), routes.getSigner(), payload(routes), trusted);
    }

    private static void verify(
            String what, ByteBuffer signatureBytes, String signer, byte[] payload, Map<String, PublicKey> trusted)
            throws ModelRejectedException {
        if (signatureBytes == null || signer == null) {
            throw new ModelRejectedException(
                    ModelRejectedException.Check.SIGNATURE,
                    what + " is not signed; this job trusts keys " + trusted.keySet() + " (sign with --signing-key)");
        }
        PublicKey key = trusted.get(signer);
        if (key == null) {
            throw new ModelRejectedException(
                    ModelRejectedException.Check.SIGNATURE,
                    what + " is signed by key " + signer + ", which this job does not trust (trusted: "
                            + trusted.keySet() + ")");
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(payload);
            byte[] signature = new byte[signatureBytes.remaining()];
            signatureBytes.duplicate().get(signature);
            if (!verifier.verify(signature)) {
                throw new ModelRejectedException(
                        ModelRejectedException.Check.SIGNATURE,
                        "the signature of " + what + " does not verify with key " + signer
                                + ": it was changed after signing");
            }
        } catch (GeneralSecurityException e) {
            throw new ModelRejectedException(
                    ModelRejectedException.Check.SIGNATURE,
                    "the signature of " + what + " cannot be checked: " + e.getMessage());
        }
    }

    private static ByteBuffer signature(byte[] payload, PrivateKey privateKey) {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(privateKey);
            signer.update(payload);
            return ByteBuffer.wrap(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
    }

    /**
     * What is signed of a model: its wire encoding with signature, signer and effective time cleared. A model of
     * the one horizon 1 is encoded as before models had horizons, so that older signatures still verify: a
     * champion's under the v1 schema (before the role), a challenger's under v2 (with the role, so it is signed).
     * A model of more horizons under today's schema, so that its horizons are signed too.
     */
    static byte[] payload(ModelUpdate model) {
        ModelUpdate unsigned = ModelUpdate.newBuilder(model)
                .setSignature(null)
                .setSigner(null)
                .setEffectiveTime(null)
                .build();
        if (!ONE_HORIZON.equals(model.getHorizons())) {
            return MODELS.encode(unsigned);
        }
        return model.getRole() == ModelRole.CHAMPION ? MODELS.encodeAs(1, unsigned) : MODELS.encodeAs(2, unsigned);
    }

    private static final List<Integer> ONE_HORIZON = List.of(1);

    /**
     * What is signed of a control: all of it (line, action, version, issued_at, reason, and a decision's effective
     * time and evidence), signature and signer cleared; a pin or unpin in its v2 encoding, which is all it has.
     */
    static byte[] payload(ModelControl control) {
        ModelControl unsigned = ModelControl.newBuilder(control)
                .setSignature(null)
                .setSigner(null)
                .build();
        boolean pinOrUnpin = control.getAction() == ModelAction.PIN || control.getAction() == ModelAction.UNPIN;
        if (pinOrUnpin && control.getEffectiveTime() == null && control.getEvidence() == null) {
            return CONTROLS.encodeAs(2, unsigned);
        }
        return CONTROLS.encode(unsigned);
    }

    /** What is signed of routes: all of them, signature and signer cleared. */
    static byte[] payload(ModelRoutes routes) {
        return ROUTES.encode(ModelRoutes.newBuilder(routes)
                .setSignature(null)
                .setSigner(null)
                .build());
    }

    // ---- keys as PEM files ----

    public static void writeKeyPair(KeyPair pair, Path privateFile, Path publicFile) throws IOException {
        Files.writeString(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        Files.deleteIfExists(privateFile);
        Files.createFile(
                privateFile,
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(privateFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    }

    /** Where 'tickcast keygen' puts a private key's public half: NAME.pub beside NAME.key (or FILE.pub beside FILE). */
    public static Path publicKeyBeside(Path privateKey) {
        String name = privateKey.getFileName().toString();
        return privateKey.resolveSibling(
                name.endsWith(".key") ? name.substring(0, name.length() - 4) + ".pub" : name + ".pub");
    }

    public static PrivateKey readPrivateKey(Path file) throws IOException {
        return privateKey(unpem(file, "PRIVATE KEY"), file.toString());
    }

    /** A private key from its PKCS#8 encoding (how the job ships its decision key to the referee). */
    public static PrivateKey privateKey(byte[] encoded, String what) throws IOException {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new IOException(
                    what + " is not an Ed25519 private key (PKCS#8 PEM, as 'tickcast keygen' writes): "
                            + e.getMessage(),
                    e);
        }
    }

    public static PublicKey readPublicKey(Path file) throws IOException {
        return publicKey(unpem(file, "PUBLIC KEY"), file.toString());
    }

    /** A public key from its X.509 encoding (how the job ships trusted keys to its operators). */
    public static PublicKey publicKey(byte[] encoded, String what) throws IOException {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new IOException(
                    what + " is not an Ed25519 public key (X.509 PEM, as 'tickcast keygen' writes): " + e.getMessage(),
                    e);
        }
    }

    /** Trusted keys by id, from their X.509 encodings. */
    public static Map<String, PublicKey> trusted(List<byte[]> encodedKeys) throws IOException {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (byte[] encoded : encodedKeys) {
            PublicKey key = publicKey(encoded, "a trusted key");
            keys.put(keyId(key), key);
        }
        return keys;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(Path file, String type) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException(file + " has no '" + begin + "' block (expected a key written by 'tickcast keygen')");
        }
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }
}
