package io.tunetrail.ingestion.importers;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a text file line by line and decodes each line on its own, strictly.
 *
 * <p>A {@code Reader} would either fail the whole file at the first undecodable byte or silently replace it; decoding
 * per line instead lets one line with wrong encoding bytes be rejected with its line number while the rest of the
 * file loads. Lines end at {@code \n}; a {@code \r} before it is dropped (MovieLens ships CRLF files), and a UTF-8
 * byte order mark at the start is skipped.
 */
final class LineReader implements Closeable {

    /** One physical line; a {@code malformed} line is not valid in the charset, its text shows bytes as {@code \xNN}. */
    record Line(long number, String text, boolean malformed) {}

    private final InputStream in;
    private final CharsetDecoder decoder;
    private final boolean asciiCompatible;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private byte[] line = new byte[512];
    private int length;
    private long number;
    private boolean eof;

    LineReader(InputStream in, Charset charset) {
        this.in = in;
        this.decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        // For these, pure-ASCII lines (most lines of every supported data set) decode byte for byte: a fast path.
        this.asciiCompatible = charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.ISO_8859_1)
                || charset.equals(StandardCharsets.US_ASCII);
    }

    /** The next line, or null at the end of the file. */
    Line next() throws IOException {
        if (!fill()) {
            return null;
        }
        number++;
        int start = 0;
        if (number == 1 && length >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF
                && decoder.charset().equals(StandardCharsets.UTF_8)) {
            start = 3;
        }
        int end = length;
        if (end > start && line[end - 1] == '\r') {
            end--;
        }
        return decode(start, end);
    }

    private Line decode(int start, int end) {
        boolean ascii = true;
        for (int i = start; i < end && ascii; i++) {
            ascii = line[i] >= 0;
        }
        if (ascii && asciiCompatible) {
            return new Line(number, new String(line, start, end - start, StandardCharsets.ISO_8859_1), false);
        }
        try {
            String text = decoder.reset().decode(ByteBuffer.wrap(line, start, end - start)).toString();
            return new Line(number, text, false);
        } catch (CharacterCodingException e) {
            return new Line(number, escapeBytes(start, end), true);
        }
    }

    /** Printable ASCII and tabs as is, every other byte as {@code \xNN}, so a reject file shows what was there. */
    private String escapeBytes(int start, int end) {
        StringBuilder sb = new StringBuilder(end - start + 16);
        for (int i = start; i < end; i++) {
            int b = line[i] & 0xFF;
            if ((b >= 0x20 && b < 0x7F && b != '\\') || b == '\t') {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02X", b));
            }
        }
        return sb.toString();
    }

    /** Copies the next line's bytes (without {@code \n}) into {@link #line}; false at the end of the input. */
    private boolean fill() throws IOException {
        length = 0;
        boolean any = false;
        while (true) {
            if (position == limit) {
                if (eof) {
                    return any;
                }
                limit = in.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    eof = true;
                    return any;
                }
            }
            any = true;
            int i = position;
            while (i < limit && buffer[i] != '\n') {
                i++;
            }
            append(position, i);
            if (i < limit) {
                position = i + 1;
                return true;
            }
            position = limit;
        }
    }

    private void append(int from, int to) {
        int n = to - from;
        if (length + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
        }
        System.arraycopy(buffer, from, line, length, n);
        length += n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
