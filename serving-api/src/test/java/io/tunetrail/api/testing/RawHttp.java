package io.tunetrail.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.api.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain loopback socket, for what client libraries will not do: stop in the middle of a chunked body
 * to wait for the answer, then keep sending.
 */
public final class RawHttp {
    /** The answer, and how many body bytes the client sent after it (until the server stopped taking them). */
    public record Outcome(int status, Map<String, String> headers, JsonNode json, long bodyBytesSentAfterAnswer) {}

    private static final int CHUNK = 65_536;

    private RawHttp() {}

    /**
     * Sends {@code head} (request line and headers) with a chunked body: {@code beforeAnswer} bytes, then, without ending
     * the body, waits for the answer; then sends up to {@code total} bytes in all and the last chunk. A server that
     * buffered the whole body before answering would never answer here: the body has not ended.
     */
    public static Outcome chunked(int port, String head, long beforeAnswer, long total) throws Exception {
        return chunked(port, head, new byte[0], beforeAnswer, total);
    }

    /** As {@link #chunked(int, String, long, long)}, the body starting with {@code prefix} (a multipart part's head). */
    public static Outcome chunked(int port, String head, byte[] prefix, long beforeAnswer, long total) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            if (prefix.length > 0) {
                out.write((Integer.toHexString(prefix.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(prefix);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            long sent = send(out, 0, beforeAnswer);
            out.flush();
            Outcome answer = read(socket.getInputStream());
            long after = 0;
            try {
                after = send(out, sent, total) - sent;
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // the server closed the connection: fine, it answered
            }
            return new Outcome(answer.status(), answer.headers(), answer.json(), after);
        }
    }

    /** Sends {@code head} (which declares a Content-Length) and a first kilobyte of the body, then reads the answer. */
    public static Outcome declared(int port, String head) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\n").getBytes(StandardCharsets.US_ASCII));
            // Jetty dispatches a request once its first body bytes arrived.
            out.write(new byte[1024]);
            out.flush();
            return read(socket.getInputStream());
        }
    }

    private static long send(OutputStream out, long sent, long upTo) throws IOException {
        byte[] chunk = new byte[CHUNK];
        Arrays.fill(chunk, (byte) ' ');
        byte[] size = (Integer.toHexString(CHUNK) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
        while (sent < upTo) {
            out.write(size);
            out.write(chunk);
            out.write(crlf);
            sent += CHUNK;
        }
        return sent;
    }

    private static Outcome read(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        JsonNode json = body.length == 0 ? null : Json.mapper().readTree(body);
        return new Outcome(status, headers, json, 0);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed before the end of the response head");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
