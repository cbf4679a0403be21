package io.tunetrail.api.http;

import io.javalin.http.Context;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.server.MultiPartFormInputStream;

/**
 * Reads uploaded audio from a request, never holding more than the limit in memory.
 *
 * <p>Both forms read the body through the request's own stream, which {@link BodyLimits} caps for the audio routes
 * (so a chunked body over the route's limit is refused with 413 as soon as one byte too many arrived). Multipart is
 * parsed here from that stream rather than by {@code ctx.uploadedFile}: Jetty's {@code getParts()} reads the
 * connection's raw stream, around the cap. Parts over {@link #IN_MEMORY_PART_BYTES} go to temporary files, which
 * {@link Form#close()} deletes.
 */
public final class AudioUploads {
    /** A part larger than this is kept in a temporary file until it is used. */
    static final int IN_MEMORY_PART_BYTES = 1 << 20;
    /** Room for a multipart body's boundaries and part headers beside the files themselves. */
    public static final long MULTIPART_ENVELOPE_BYTES = 64 * 1024;
    /** The plain fields of a form beside its files (track_id and the like): small, so counted in parts, not bytes. */
    private static final int MAX_PARTS_BEYOND_FILES = 16;

    /**
     * Content types taken as a raw upload. The analyser decides by magic bytes whatever the type claims, so these only
     * keep out bodies that say they are something else (JSON, text, forms).
     */
    private static final Set<String> RAW_TYPES = Set.of("audio/ogg", "application/ogg", "audio/vorbis", "audio/mpeg", "audio/mp3",
            "audio/wav", "audio/wave", "audio/x-wav", "audio/vnd.wave", "audio/flac", "audio/x-flac", "application/octet-stream");

    private AudioUploads() {}

    /** The request's media type without parameters, lower case; null when it has none. */
    public static String mediaType(Context ctx) {
        String header = ctx.header("Content-Type");
        if (header == null || header.isBlank()) {
            return null;
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    public static boolean isMultipart(Context ctx) {
        return "multipart/form-data".equals(mediaType(ctx));
    }

    /** The raw body as audio: 415 for a type that says it is something else, 413 past {@code maxBytes}. */
    public static byte[] raw(Context ctx, long maxBytes) {
        String type = mediaType(ctx);
        if (type != null && !RAW_TYPES.contains(type)) {
            throw ApiErrors.unsupportedMedia("Content-Type '" + type + "' is not audio; send audio/wav, audio/ogg, audio/flac, "
                    + "audio/mpeg or application/octet-stream, or multipart/form-data with a 'file' part");
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw ApiErrors.audioTooLarge("the body has " + declared + " bytes, over the limit of " + maxBytes);
        }
        // Not through Javalin's body cache, whose limit (api.max-body-bytes) is for JSON requests. readNBytes grows its
        // buffer as bytes arrive, so a short body never allocates the limit.
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw ApiErrors.audioTooLarge("the body has more than " + maxBytes + " bytes, the limit");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The multipart body: files of at most {@code maxFileBytes} each (413 {@code audio_too_large} beyond), at most
     * {@code maxFiles} of them (400 naming the field). Close the form to delete its temporary files.
     */
    public static Form multipart(Context ctx, long maxFileBytes, int maxFiles) {
        String tmp = System.getProperty("java.io.tmpdir");
        MultipartConfigElement config = new MultipartConfigElement(tmp, maxFileBytes, -1, IN_MEMORY_PART_BYTES);
        try {
            MultiPartFormInputStream in = new MultiPartFormInputStream(ctx.req().getInputStream(), ctx.header("Content-Type"), config,
                    new File(tmp), maxFiles + MAX_PARTS_BEYOND_FILES);
            return new Form(in, parts(in, maxFileBytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Collection<Part> parts(MultiPartFormInputStream in, long maxFileBytes) throws IOException {
        try {
            return in.getParts();
        } catch (IllegalStateException e) {
            in.deleteParts();
            // The parser keeps what stopped it and rethrows it wrapped: the body's cap (413 body_too_large) among them.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ApiException api) {
                    throw api;
                }
            }
            String why = e.getMessage() == null ? "" : e.getMessage();
            if (why.contains("max filesize")) {
                throw ApiErrors.audioTooLarge("a file is over the limit of " + maxFileBytes + " bytes");
            }
            if (why.contains("parts")) {
                throw ApiErrors.invalidField("file", "the form has too many parts: " + why);
            }
            throw ApiErrors.invalidField("file", "the multipart body does not parse: " + why);
        } catch (IOException e) {
            in.deleteParts();
            throw ApiErrors.invalidField("file", "the multipart body does not parse: " + e.getMessage());
        }
    }

    /** A parsed multipart body: its parts in the order sent. */
    public static final class Form implements AutoCloseable {
        private final MultiPartFormInputStream in;
        private final List<Part> parts;

        Form(MultiPartFormInputStream in, Collection<Part> parts) {
            this.in = in;
            this.parts = List.copyOf(parts);
        }

        /** Every part, in the order sent (a batch pairs each file with the track_id field that follows it). */
        public List<Part> parts() {
            return parts;
        }

        /** The parts named {@code name}, in order (a file part sent without a file name counts as well). */
        public List<Part> files(String name) {
            return parts.stream().filter(p -> name.equals(p.getName())).toList();
        }

        /** A plain field's value, or null. Fields are small: the form allows only a few parts beside the files. */
        public String field(String name) {
            for (Part p : parts) {
                if (name.equals(p.getName()) && p.getSubmittedFileName() == null) {
                    return text(p);
                }
            }
            return null;
        }

        /** A plain field's value as text. */
        public static String text(Part p) {
            return new String(bytes(p), StandardCharsets.UTF_8);
        }

        /** A part's content (already bounded by the parser's per-file limit). */
        public static byte[] bytes(Part p) {
            try (InputStream content = p.getInputStream()) {
                return content.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            in.deleteParts();
        }
    }
}
