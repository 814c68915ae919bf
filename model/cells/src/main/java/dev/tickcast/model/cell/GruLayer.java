package dev.tickcast.model.cell;

import java.util.Arrays;

/**
 * The GRU of libnd4j's {@code gru} op (what SameDiff's {@code sd.rnn().gru} computes; DL4J M2.1 has
 * no GRU layer).
 *
 * <p>Weights: Wx [nIn][3H], Wh [H][3H], b [3H], row-major; the 3H columns are the blocks
 * <b>[r, u, c]</b> (reset, update, candidate). As in the op (and the "reset after" GRU variant), the
 * reset gate scales the candidate's recurrent <i>product</i> h′·Whc, not h′, and the candidate bias
 * is not reset; u keeps the old state. The parity test confirms all of it against SameDiff.
 */
public final class GruLayer implements RecurrentLayer {

    private final Kernels k;
    private final int h;
    private final float[][] wx;
    private final float[][] wh;
    private final float[] b;
    private final float[] zx;
    private final float[] zh;

    public GruLayer(float[][] wx, float[][] wh, float[] b, Kernels kernels) {
        this.k = kernels;
        this.h = b.length / 3;
        this.wx = wx;
        this.wh = wh;
        this.b = b;
        this.zx = new float[b.length];
        this.zh = new float[b.length];
    }

    @Override
    public int inputSize() {
        return wx.length;
    }

    @Override
    public int hiddenSize() {
        return h;
    }

    @Override
    public int stateSize() {
        return h;
    }

    @Override
    public void step(float[] x, int xOffset, float[] state, int stateOffset) {
        System.arraycopy(b, 0, zx, 0, zx.length); // zx = x·Wx + b
        k.accumulate(zx, wx, x, xOffset);
        Arrays.fill(zh, 0f); //                      zh = h′·Wh
        k.accumulate(zh, wh, state, stateOffset);
        for (int j = 0; j < 2 * h; j++) {
            zx[j] += zh[j];
        }
        k.sigmoid(zx, 0, 2 * h); //                  r, u = σ(zx_r + zh_r), σ(zx_u + zh_u)
        for (int j = 0; j < h; j++) {
            zh[2 * h + j] = zx[2 * h + j] + zx[j] * zh[2 * h + j];
        }
        k.tanh(zh, 2 * h, 3 * h); //                 c = tanh(zx_c + r⊙zh_c)
        for (int j = 0; j < h; j++) { //             h = u⊙h′ + (1−u)⊙c = c + u⊙(h′ − c)
            float c = zh[2 * h + j];
            state[stateOffset + j] = c + zx[h + j] * (state[stateOffset + j] - c);
        }
    }
}
