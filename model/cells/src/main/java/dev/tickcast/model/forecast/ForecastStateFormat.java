package dev.tickcast.model.forecast;

import dev.tickcast.model.data.Varints;
import dev.tickcast.model.feature.Feature;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The binary format of one symbol's {@link ForecastState} in Flink keyed state: written straight from
 * the primitive arrays, without the Avro {@code SymbolState} record (boxed {@code List<Float>}s) in
 * between. It carries the same fields as {@code SymbolState}, in the same order and meaning, and more (version 3's
 * expiry timer, version 4's guard, version 5's challenger state, version 6's model line, version 7's horizons).
 *
 * <p>Evolution: every value starts with a format version byte, and {@link #read} reads every version
 * ever written, so a savepoint taken by an older build restores in a newer one. To add a field, write
 * version N+1 with it, and read older versions with the field's default (the Avro rule). Rings are
 * written oldest first with their counts, so a reader with other ring sizes keeps the newest entries
 * (as {@link ForecastState#fromRecord} does).
 *
 * <pre>
 * version 1:
 *   u8 version | varlong model_version | varint n, n × f32 hidden | f64 last_price | zigzag varlong last_time
 *   | u8 has_volume, [f64 last_volume] | varlong ticks | varint n, n × f32 recent_inputs (n = steps × features)
 *   | f64 pending_forecast | varlong pending_version | f64 pending_log_return | varlong eval_count
 *   | f64 sum_abs_error | f64 sum_sq_error | f64 naive_sum_abs_error | f64 naive_sum_sq_error
 *   | varint n, n × f32 recent_residuals
 * version 2 (interval coverage): version 1's fields, then
 *   | varlong interval_count | varlong interval_hits          (read from version 1 as 0, 0)
 * version 3 (expiry without Flink's TTL): version 2's fields, then
 *   | varlong expiry_timer_ms                                 (read from versions 1-2 as 0)
 * version 4 (the per-symbol guard): version 3's fields, then
 *   | f64 pending_model_log_return | f64 guard_sxx | f64 guard_sxy | f64 guard_syy | f64 guard_count
 *                       (read from versions 1-3 as pending_log_return, and evidence unknown: rebuilt from the ring)
 * version 5 (champion and challenger): version 4's fields, then
 *   | u8 has_shadow, [the challenger's state of the symbol: a whole value of the same version, whose has_shadow is 0]
 *                                                           (read from versions 1-4 as none)
 * version 6 (model lines routed by symbol): version 5's fields, with before has_shadow
 *   | varint n, n bytes UTF-8 model_line (n = 0: none)      (read from versions 1-5 as none: the job's one line then)
 * version 7 (horizons and calibrated intervals): version 6's fields, with after model_line
 *   | varint k (0: none, and nothing more of it)            (read from versions 1-6 as none: it starts afresh)
 *   | k × varint horizon | varint l, l × f32 level | k·l × f32 multiplier
 *   | varint n, n × (zigzag varlong last_time − time, f64 price)             the ticks forecasts were made at
 *   | k × (varint m, m × (2 + l) × f32 pending forecast)                     each horizon's, oldest first
 * </pre>
 * {@code expiry_timer_ms} (the job's bookkeeping of its expiry timer) and the guard's fields are not in {@code
 * SymbolState}.
 * Floats are written as their raw IEEE bits, so a value reads back bit for bit.
 */
public final class ForecastStateFormat {

    /** The version {@link #write} writes. */
    public static final int VERSION = 7;

    /** A model line's name in state: {@code SymbolRoutes.MAX_LINE_CHARS} characters of up to 3 bytes each. */
    private static final int MAX_LINE_BYTES = 3 * dev.tickcast.model.data.SymbolRoutes.MAX_LINE_CHARS;

    private ForecastStateFormat() {}

    public static void write(ForecastState s, DataOutput out) throws IOException {
        out.writeByte(VERSION);
        Varints.write(out, s.modelVersion);
        Varints.write(out, s.hidden.length);
        for (float v : s.hidden) {
            out.writeInt(Float.floatToRawIntBits(v));
        }
        out.writeDouble(s.lastPrice);
        Varints.write(out, (s.lastTimeMs << 1) ^ (s.lastTimeMs >> 63));
        if (!s.hasLastVolume) {
            out.writeByte(0);
        } else {
            out.writeByte(1);
            out.writeDouble(s.lastVolume);
        }
        Varints.write(out, s.ticks);
        Varints.write(out, (long) s.ringCount * Feature.COUNT);
        for (int k = 0; k < s.ringCount; k++) {
            int offset = s.ringOffset(k);
            for (int f = 0; f < Feature.COUNT; f++) {
                out.writeInt(Float.floatToRawIntBits(s.ring[offset + f]));
            }
        }
        out.writeDouble(s.pendingForecast);
        Varints.write(out, s.pendingVersion);
        out.writeDouble(s.pendingLogReturn);
        Varints.write(out, s.evalCount);
        out.writeDouble(s.sumAbsError);
        out.writeDouble(s.sumSqError);
        out.writeDouble(s.naiveSumAbsError);
        out.writeDouble(s.naiveSumSqError);
        Varints.write(out, s.residualCount);
        for (int k = 0; k < s.residualCount; k++) {
            out.writeInt(Float.floatToRawIntBits(s.residuals[(s.residualStart + k) % s.residuals.length]));
        }
        Varints.write(out, s.intervalCount);
        Varints.write(out, s.intervalHits);
        Varints.write(out, s.expiryTimerMs);
        out.writeDouble(s.pendingModelLogReturn);
        out.writeDouble(s.guardSxx);
        out.writeDouble(s.guardSxy);
        out.writeDouble(s.guardSyy);
        out.writeDouble(s.guardCount);
        byte[] line = s.modelLine == null ? new byte[0] : s.modelLine.getBytes(StandardCharsets.UTF_8);
        Varints.write(out, line.length);
        out.write(line);
        writeBook(s.book, s.lastTimeMs, out);
        if (s.shadow == null) {
            out.writeByte(0);
        } else {
            out.writeByte(1);
            write(s.shadow, out);
        }
    }

    /** Reads any version this build knows into a state with the given ring sizes. */
    public static ForecastState read(DataInput in, ForecastSettings settings) throws IOException {
        return read(in, settings, true);
    }

    private static ForecastState read(DataInput in, ForecastSettings settings, boolean mayHaveShadow)
            throws IOException {
        int version = in.readUnsignedByte();
        if (version < 1 || version > VERSION) {
            throw new IOException("symbol state format version " + version + " is not one this build reads (1..."
                    + VERSION + "); was the savepoint taken by a newer tickcast?");
        }
        ForecastState s = new ForecastState(settings);
        s.modelVersion = Varints.read(in, "symbol state");
        float[] hidden = new float[length(in, "hidden")];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = Float.intBitsToFloat(in.readInt());
        }
        s.hidden = hidden;
        s.lastPrice = in.readDouble();
        long zigzag = Varints.read(in, "symbol state");
        s.lastTimeMs = (zigzag >>> 1) ^ -(zigzag & 1);
        s.hasLastVolume = in.readUnsignedByte() != 0;
        s.lastVolume = s.hasLastVolume ? in.readDouble() : 0.0;
        s.ticks = Varints.read(in, "symbol state");
        int inputs = length(in, "recent inputs");
        float[] raw = new float[Feature.COUNT];
        int whole = inputs - inputs % Feature.COUNT;
        for (int k = 0; k < inputs; k++) {
            float v = Float.intBitsToFloat(in.readInt());
            if (k < whole) {
                raw[k % Feature.COUNT] = v;
                if (k % Feature.COUNT == Feature.COUNT - 1) {
                    s.pushInput(raw);
                }
            }
        }
        s.pendingForecast = in.readDouble();
        s.pendingVersion = Varints.read(in, "symbol state");
        s.pendingLogReturn = in.readDouble();
        s.evalCount = Varints.read(in, "symbol state");
        s.sumAbsError = in.readDouble();
        s.sumSqError = in.readDouble();
        s.naiveSumAbsError = in.readDouble();
        s.naiveSumSqError = in.readDouble();
        int residuals = length(in, "recent residuals");
        for (int k = 0; k < residuals; k++) {
            s.pushResidual(Float.intBitsToFloat(in.readInt()));
        }
        if (version >= 2) {
            s.intervalCount = Varints.read(in, "symbol state");
            s.intervalHits = Varints.read(in, "symbol state");
        }
        if (version >= 3) {
            s.expiryTimerMs = Varints.read(in, "symbol state");
        }
        if (version >= 4) {
            s.pendingModelLogReturn = in.readDouble();
            s.guardSxx = in.readDouble();
            s.guardSxy = in.readDouble();
            s.guardSyy = in.readDouble();
            s.guardCount = in.readDouble();
        } else {
            s.pendingModelLogReturn = s.pendingLogReturn; // those builds served the model's prediction as it was
            ModelGuard.markUnknown(s);
        }
        if (version >= 6) {
            long n = Varints.read(in, "symbol state");
            if (n < 0 || n > MAX_LINE_BYTES) {
                throw new IOException("corrupt symbol state: model line length " + n);
            }
            if (n > 0) {
                byte[] line = new byte[(int) n];
                in.readFully(line);
                s.modelLine = new String(line, StandardCharsets.UTF_8);
            }
        }
        if (version >= 7) {
            s.book = readBook(in, s.lastTimeMs);
        }
        s.inShadow = !mayHaveShadow;
        if (version >= 5 && in.readUnsignedByte() != 0) {
            if (!mayHaveShadow) {
                throw new IOException("corrupt symbol state: a challenger's state inside a challenger's state");
            }
            s.shadow = read(in, settings, false);
        }
        return s;
    }

    private static void writeBook(HorizonBook book, long lastTimeMs, DataOutput out) throws IOException {
        if (book == null) {
            Varints.write(out, 0);
            return;
        }
        Varints.write(out, book.horizons.length);
        for (int h : book.horizons) {
            Varints.write(out, h);
        }
        Varints.write(out, book.levels.length);
        for (float level : book.levels) {
            out.writeInt(Float.floatToRawIntBits(level));
        }
        for (float q : book.multipliers) {
            out.writeInt(Float.floatToRawIntBits(q));
        }
        Varints.write(out, book.baseCount);
        for (int age = book.baseCount - 1; age >= 0; age--) {
            int i = book.baseIndex(age);
            long delta = lastTimeMs - book.baseTimes[i];
            Varints.write(out, (delta << 1) ^ (delta >> 63));
            out.writeDouble(book.basePrices[i]);
        }
        int slot = book.slotSize();
        for (int k = 0; k < book.horizons.length; k++) {
            Varints.write(out, book.pendingCount[k]);
            for (int j = 0; j < book.pendingCount[k]; j++) {
                int at = ((book.pendingStart[k] + j) % book.horizons[k]) * slot;
                for (int f = 0; f < slot; f++) {
                    out.writeInt(Float.floatToRawIntBits(book.pending[k][at + f]));
                }
            }
        }
    }

    private static HorizonBook readBook(DataInput in, long lastTimeMs) throws IOException {
        int k = bounded(in, dev.tickcast.model.file.Model.MAX_HORIZONS, "horizon count");
        if (k == 0) {
            return null;
        }
        int[] horizons = new int[k];
        for (int i = 0; i < k; i++) {
            horizons[i] = bounded(in, dev.tickcast.model.file.Model.MAX_HORIZON, "horizon");
            if (i == 0 ? horizons[0] != 1 : horizons[i] <= horizons[i - 1]) {
                throw new IOException("corrupt symbol state: horizons " + java.util.Arrays.toString(horizons));
            }
        }
        float[] levels = new float[bounded(in, IntervalSettings.MAX_LEVELS, "interval level count")];
        for (int l = 0; l < levels.length; l++) {
            levels[l] = Float.intBitsToFloat(in.readInt());
        }
        HorizonBook book = new HorizonBook(horizons, levels);
        for (int i = 0; i < book.multipliers.length; i++) {
            book.multipliers[i] = Float.intBitsToFloat(in.readInt());
        }
        int bases = bounded(in, horizons[k - 1], "forecast tick count");
        for (int j = 0; j < bases; j++) {
            long zigzag = Varints.read(in, "symbol state");
            book.pushBase(lastTimeMs - ((zigzag >>> 1) ^ -(zigzag & 1)), in.readDouble());
        }
        int slot = book.slotSize();
        for (int i = 0; i < k; i++) {
            int m = bounded(in, horizons[i], "pending forecast count");
            for (int j = 0; j < m; j++) {
                int at = book.push(i);
                for (int f = 0; f < slot; f++) {
                    book.pending[i][at + f] = Float.intBitsToFloat(in.readInt());
                }
            }
        }
        return book;
    }

    private static int bounded(DataInput in, int max, String what) throws IOException {
        long n = Varints.read(in, "symbol state");
        if (n < 0 || n > max) {
            throw new IOException("corrupt symbol state: " + what + " " + n + " (at most " + max + ")");
        }
        return (int) n;
    }

    private static int length(DataInput in, String what) throws IOException {
        long n = Varints.read(in, "symbol state");
        if (n < 0 || n > 1 << 20) {
            throw new IOException("corrupt symbol state: " + what + " length " + n);
        }
        return (int) n;
    }
}
