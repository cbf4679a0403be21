package io.tunetrail.cli.pkg;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * A gzip-compressed POSIX ustar archive, written without a library (the JDK has none, and the CLI's classpath should not
 * grow for one file): regular files with their mode, owned by root, dated at a fixed time so a rebuild of the same
 * jars gives the same bytes.
 */
final class TarGz implements AutoCloseable {
    private static final int BLOCK = 512;
    private static final long MTIME = 1_700_000_000L;

    private final OutputStream out;

    TarGz(Path file) throws IOException {
        this.out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    /** Adds {@code source} as {@code name} (a path inside the archive) with the given octal mode. */
    void add(String name, Path source, int mode) throws IOException {
        long size = Files.size(source);
        out.write(header(name, size, mode));
        try (var in = Files.newInputStream(source)) {
            in.transferTo(out);
        }
        int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
        out.write(new byte[pad]);
    }

    private static byte[] header(String name, long size, int mode) {
        byte[] h = new byte[BLOCK];
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 100) {
            System.arraycopy(bytes, 0, h, 0, bytes.length);
        } else {
            // ustar keeps longer paths as prefix (155 bytes) + name (100 bytes), split at a slash.
            int slash = name.lastIndexOf('/', 154);
            byte[] prefix = name.substring(0, slash).getBytes(StandardCharsets.UTF_8);
            byte[] rest = name.substring(slash + 1).getBytes(StandardCharsets.UTF_8);
            if (slash < 0 || prefix.length > 155 || rest.length > 100) {
                throw new IllegalArgumentException("path too long for a ustar archive: " + name);
            }
            System.arraycopy(rest, 0, h, 0, rest.length);
            System.arraycopy(prefix, 0, h, 345, prefix.length);
        }
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, MTIME);
        h[156] = '0';
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        put(h, 265, "root");
        put(h, 297, "root");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        return h;
    }

    private static void octal(byte[] h, int offset, int length, long value) {
        String digits = String.format("%0" + (length - 1) + "o", value);
        put(h, offset, digits);
    }

    private static void put(byte[] h, int offset, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, offset, b.length);
    }

    @Override
    public void close() throws IOException {
        out.write(new byte[2 * BLOCK]);
        out.close();
    }
}
