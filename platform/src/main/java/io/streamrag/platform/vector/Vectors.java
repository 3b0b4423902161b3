package io.streamrag.platform.vector;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Packs vectors as little-endian float32 bytes (the {@code embedding} field of ChunkEmbedded). */
public final class Vectors {

    private Vectors() {
    }

    public static ByteBuffer pack(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer;
    }

    public static float[] unpack(ByteBuffer bytes) {
        ByteBuffer view = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] vector = new float[view.remaining() / Float.BYTES];
        view.asFloatBuffer().get(vector);
        return vector;
    }

    public static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    public static float[] normalize(float[] v) {
        double norm = Math.sqrt(dot(v, v));
        if (norm == 0) {
            return v.clone();
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }
}
