package dev.tickcast.model.file;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The weights' wire form: little-endian float32, and its SHA-256. */
public final class Weights {

    private Weights() {}

    public static byte[] toBytes(float[] weights) {
        ByteBuffer buffer = ByteBuffer.allocate(weights.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(weights);
        return buffer.array();
    }

    public static float[] fromBytes(ByteBuffer bytes) {
        ByteBuffer le = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] weights = new float[le.remaining() / Float.BYTES];
        le.asFloatBuffer().get(weights);
        return weights;
    }

    public static byte[] sha256(ByteBuffer bytes) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes.duplicate());
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
