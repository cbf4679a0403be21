package io.tunetrail.api.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 POST to a {@link WebhookTargets.Target}: a socket to the target's checked address (never a new lookup
 * of its name), TLS verified against the host name of the URL, a bounded connect time and one deadline for the rest
 * (handshake, sending, the status line). Only the status line is read — at most {@value #MAX_STATUS_LINE} bytes, no
 * headers, no body — and redirects are never followed. {@code java.net.http.HttpClient} cannot be told which address
 * to connect to while verifying TLS for the name, hence this small client.
 */
public final class WebhookSender {
    static final int MAX_STATUS_LINE = 512;

    /** The attempt's outcome and the status code when there was one. */
    public record Result(DeliveryOutcome outcome, Integer statusCode) {}

    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final SSLSocketFactory tls;

    public WebhookSender(Duration connectTimeout, Duration responseTimeout, SSLSocketFactory tls) {
        this.connectTimeout = connectTimeout;
        this.responseTimeout = responseTimeout;
        this.tls = tls;
    }

    public WebhookSender(Duration connectTimeout, Duration responseTimeout) {
        this(connectTimeout, responseTimeout, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    public Result post(WebhookTargets.Target target, Map<String, String> headers, byte[] body) {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(target.address(), target.port()), (int) connectTimeout.toMillis());
            long deadline = System.nanoTime() + responseTimeout.toNanos();
            Socket socket = target.tls() ? handshake(plain, target, deadline) : plain;
            try {
                OutputStream out = socket.getOutputStream();
                out.write(requestHead(target, headers, body.length));
                out.write(body);
                out.flush();
                return readStatus(socket, deadline);
            } finally {
                if (socket != plain) {
                    socket.close();
                }
            }
        } catch (SocketTimeoutException e) {
            return new Result(DeliveryOutcome.TIMEOUT, null);
        } catch (ConnectException e) {
            return new Result(DeliveryOutcome.CONNECTION_REFUSED, null);
        } catch (SSLException e) {
            return new Result(DeliveryOutcome.TLS_ERROR, null);
        } catch (IOException e) {
            return new Result(DeliveryOutcome.NETWORK_ERROR, null);
        }
    }

    private SSLSocket handshake(Socket plain, WebhookTargets.Target target, long deadline) throws IOException {
        SSLSocket ssl = (SSLSocket) tls.createSocket(plain, target.host(), target.port(), true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the URL's host
        if (!target.host().startsWith("[") && !target.host().matches("[0-9.]+")) { // SNI carries names, never IP literals
            params.setServerNames(List.of(new SNIHostName(target.host())));
        }
        ssl.setSSLParameters(params);
        ssl.setSoTimeout(remainingMillis(deadline));
        ssl.startHandshake();
        return ssl;
    }

    private static byte[] requestHead(WebhookTargets.Target target, Map<String, String> headers, int length) {
        String path = target.uri().getRawPath() == null || target.uri().getRawPath().isEmpty() ? "/" : target.uri().getRawPath();
        if (target.uri().getRawQuery() != null) {
            path += "?" + target.uri().getRawQuery();
        }
        boolean defaultPort = target.port() == (target.tls() ? 443 : 80);
        StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(target.host()).append(defaultPort ? "" : ":" + target.port()).append("\r\n")
                .append("User-Agent: TuneTrail-Webhooks/1\r\nConnection: close\r\n")
                .append("Content-Length: ").append(length).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads the status line only, re-arming the read timeout with what is left of the deadline before each read. */
    private static Result readStatus(Socket socket, long deadline) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] line = new byte[MAX_STATUS_LINE];
        int n = 0;
        while (n < line.length) {
            socket.setSoTimeout(remainingMillis(deadline));
            int read = in.read(line, n, line.length - n);
            if (read < 0) {
                break;
            }
            n += read;
            String text = new String(line, 0, n, StandardCharsets.US_ASCII);
            int end = text.indexOf('\n');
            if (end >= 0) {
                return status(text.substring(0, end).strip());
            }
        }
        return new Result(DeliveryOutcome.INVALID_RESPONSE, null);
    }

    private static Result status(String statusLine) {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
            return new Result(DeliveryOutcome.INVALID_RESPONSE, null);
        }
        int code = Integer.parseInt(parts[1]);
        return new Result(DeliveryOutcome.ofStatus(code), code);
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }
}
