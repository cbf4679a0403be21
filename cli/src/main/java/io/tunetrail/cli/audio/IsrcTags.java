package io.tunetrail.cli.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The ISRC an audio file's tags carry, for {@code analyze --match-by isrc}: the ID3v2 {@code TSRC} frame (MP3), the
 * {@code ISRC} Vorbis comment (FLAC's VORBIS_COMMENT block, Ogg Vorbis's comment header). WAV has no standard ISRC
 * tag (RIFF INFO's {@code ISRC} chunk means "source"), so WAV files never match by ISRC.
 *
 * <p>Tags are read from the bytes the analyser reads anyway; anything malformed is "no ISRC", never an exception.
 */
public final class IsrcTags {
    /** ISO 3901 without dashes: country, registrant, year, designation. */
    private static final Pattern ISRC = Pattern.compile("^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$");
    private static final byte[] VORBIS_COMMENT_HEADER = {3, 'v', 'o', 'r', 'b', 'i', 's'};
    /** Ogg's comment header follows the identification header within the first pages. */
    private static final int OGG_SCAN_BYTES = 64 * 1024;

    private IsrcTags() {}

    /** The file's ISRC, upper case without dashes or spaces, when a tag holds a valid one. */
    public static Optional<String> read(byte[] audio) {
        try {
            String raw = null;
            if (startsWith(audio, 0, "ID3")) {
                raw = id3(audio);
            } else if (startsWith(audio, 0, "fLaC")) {
                raw = flac(audio);
            } else if (startsWith(audio, 0, "OggS")) {
                int at = indexOf(audio, VORBIS_COMMENT_HEADER, Math.min(audio.length, OGG_SCAN_BYTES));
                raw = at < 0 ? null : vorbisComment(audio, at + VORBIS_COMMENT_HEADER.length, audio.length);
            }
            return normalise(raw);
        } catch (RuntimeException e) {
            // A truncated or malformed tag: the file simply carries no usable ISRC.
            return Optional.empty();
        }
    }

    /** {@code gb-aaa-26-00001} → {@code GBAAA2600001}, when that is an ISRC. */
    public static Optional<String> normalise(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.replaceAll("[\\s\\-\\u0000]", "").toUpperCase(Locale.ROOT);
        return ISRC.matcher(s).matches() ? Optional.of(s) : Optional.empty();
    }

    private static String id3(byte[] b) {
        int major = b[3];
        boolean extended = (b[5] & 0x40) != 0;
        int end = Math.min(b.length, 10 + syncsafe(b, 6));
        int p = 10;
        if (extended && major >= 3) {
            p += major == 4 ? syncsafe(b, p) : 4 + be32(b, p);
        }
        int idLength = major == 2 ? 3 : 4;
        int headerLength = major == 2 ? 6 : 10;
        String wanted = major == 2 ? "TRC" : "TSRC";
        while (p + headerLength <= end && b[p] != 0) {
            String id = new String(b, p, idLength, StandardCharsets.ISO_8859_1);
            int size = major == 2 ? ((b[p + 3] & 0xff) << 16 | (b[p + 4] & 0xff) << 8 | (b[p + 5] & 0xff))
                    : major == 4 ? syncsafe(b, p + 4) : be32(b, p + 4);
            int body = p + headerLength;
            if (size < 0 || body + size > end) {
                return null;
            }
            if (id.equals(wanted) && size > 1) {
                return text(b, body, size);
            }
            p = body + size;
        }
        return null;
    }

    /** An ID3 text frame: an encoding byte, then the text. */
    private static String text(byte[] b, int at, int size) {
        Charset cs = switch (b[at]) {
            case 1 -> StandardCharsets.UTF_16;
            case 2 -> StandardCharsets.UTF_16BE;
            case 3 -> StandardCharsets.UTF_8;
            default -> StandardCharsets.ISO_8859_1;
        };
        return new String(b, at + 1, size - 1, cs);
    }

    private static String flac(byte[] b) {
        int p = 4;
        while (p + 4 <= b.length) {
            boolean last = (b[p] & 0x80) != 0;
            int type = b[p] & 0x7f;
            int length = (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
            if (type == 4) {
                return vorbisComment(b, p + 4, Math.min(b.length, p + 4 + length));
            }
            if (last) {
                return null;
            }
            p += 4 + length;
        }
        return null;
    }

    /** A Vorbis comment list (little-endian lengths): vendor, count, then {@code KEY=value} entries. */
    private static String vorbisComment(byte[] b, int from, int to) {
        ByteBuffer in = ByteBuffer.wrap(b, from, to - from).order(ByteOrder.LITTLE_ENDIAN);
        int vendor = in.getInt();
        in.position(in.position() + vendor);
        int count = in.getInt();
        for (int i = 0; i < count && in.remaining() >= 4; i++) {
            int length = in.getInt();
            if (length < 0 || length > in.remaining()) {
                return null;
            }
            String entry = new String(b, in.position(), length, StandardCharsets.UTF_8);
            in.position(in.position() + length);
            int eq = entry.indexOf('=');
            if (eq > 0 && entry.substring(0, eq).equalsIgnoreCase("ISRC")) {
                return entry.substring(eq + 1);
            }
        }
        return null;
    }

    private static int syncsafe(byte[] b, int at) {
        return (b[at] & 0x7f) << 21 | (b[at + 1] & 0x7f) << 14 | (b[at + 2] & 0x7f) << 7 | (b[at + 3] & 0x7f);
    }

    private static int be32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static boolean startsWith(byte[] b, int at, String magic) {
        if (b.length < at + magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if (b[at + i] != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, byte[] needle, int limit) {
        outer:
        for (int i = 0; i + needle.length <= limit; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
