package dev.tickcast.model.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of a text file that may hold anything: each decoded as strict UTF-8 on its own, so bytes that are not
 * UTF-8 make that one line an error with its number instead of failing the file (a strict reader) or turning into
 * U+FFFD unnoticed (a lenient one), and a line is bounded, so a file without newlines cannot fill memory. Lines end at
 * {@code \n}; a {@code \r} before it is dropped. The CLI's readers and the backfill's file source both read this way.
 */
public final class CsvLines implements Closeable {

    /** Longest line kept; a longer one is an error, its first bytes kept, the rest skipped. */
    public static final int MAX_LINE_BYTES = 64 * 1024;

    /**
     * One line: its text, or why it has none ({@code text} null, {@code error} set).
     *
     * @param raw the line's bytes (at most {@link #MAX_LINE_BYTES}), for a dead letter
     */
    public record Line(long number, String text, byte[] raw, String error) {}

    private final InputStream in;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buffer = new byte[256];
    private long number;

    public CsvLines(InputStream in) {
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16);
    }

    /** The next line, or null at the end of the input. */
    public Line next() throws IOException {
        int length = 0;
        long skipped = 0;
        int lastSkipped = -1;
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (length == MAX_LINE_BYTES) {
                skipped++;
                lastSkipped = b;
                continue;
            }
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(MAX_LINE_BYTES, 2 * length));
            }
            buffer[length++] = (byte) b;
        }
        if (b == -1 && length == 0 && skipped == 0) {
            return null;
        }
        number++;
        if (skipped == 1 && lastSkipped == '\r') {
            skipped = 0; // a line of the longest length, ended by \r\n: the \r is not part of it
        } else if (skipped == 0 && length > 0 && buffer[length - 1] == '\r') {
            length--;
        }
        byte[] raw = Arrays.copyOf(buffer, length);
        if (skipped > 0) {
            long whole = length + skipped - (lastSkipped == '\r' ? 1 : 0); // a \r\n ending is not part of the line
            return new Line(
                    number, null, raw, String.format("line longer than %,d bytes (%,d bytes)", MAX_LINE_BYTES, whole));
        }
        ByteBuffer input = ByteBuffer.wrap(raw);
        CharBuffer text = CharBuffer.allocate(raw.length); // UTF-8 never has more chars than bytes
        utf8.reset();
        CoderResult result = utf8.decode(input, text, true);
        if (!result.isError()) {
            result = utf8.flush(text);
        }
        if (result.isError()) {
            int at = input.position();
            return new Line(
                    number,
                    null,
                    raw,
                    String.format("not UTF-8 text (byte 0x%02X at byte %d of the line)", raw[at] & 0xFF, at + 1));
        }
        return new Line(number, text.flip().toString(), raw, null);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
