package io.tunetrail.cli.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A small HTTP/1.1 load generator for loopback benchmarks: N threads, each with one keep-alive connection, sending one
 * prebuilt GET after another (closed loop) or on a fixed schedule (open loop, latency measured from the scheduled
 * send time so a stall is not hidden by the sender waiting on it). Lean on purpose: on 2 cores the generator shares
 * the CPU with the server, and whatever it costs it costs both routes alike.
 */
final class HttpLoad {
    /** The outcome of one run. */
    record Result(long requests, long errors, double seconds, long[] latenciesNanos) {
        double throughput() {
            return requests / seconds;
        }

        double percentileMillis(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.min(latenciesNanos.length - 1, Math.ceil(p / 100.0 * latenciesNanos.length) - 1);
            return latenciesNanos[Math.max(0, i)] / 1e6;
        }
    }

    private final int port;
    private final int connections;

    HttpLoad(int port, int connections) {
        this.port = port;
        this.connections = connections;
    }

    static byte[] request(String path, String apiKey) {
        String r = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (apiKey == null ? "" : "Authorization: Bearer " + apiKey + "\r\n") + "\r\n";
        return r.getBytes(StandardCharsets.US_ASCII);
    }

    /** Closed loop for {@code seconds}: every connection sends its next request as soon as the last answer arrived. */
    Result closedLoop(byte[] request, double seconds) throws Exception {
        return run(new byte[][] {request}, seconds, 0);
    }

    /** Open loop at {@code totalRate} requests per second spread over the connections. */
    Result openLoop(byte[] request, double seconds, double totalRate) throws Exception {
        return run(new byte[][] {request}, seconds, totalRate);
    }

    /** Closed loop over a mix: each connection sends the requests in turn, starting at a different one. */
    Result closedLoop(byte[][] mix, double seconds) throws Exception {
        return run(mix, seconds, 0);
    }

    /** Open loop over a mix at {@code totalRate} requests per second. */
    Result openLoop(byte[][] mix, double seconds, double totalRate) throws Exception {
        return run(mix, seconds, totalRate);
    }

    private Result run(byte[][] requests, double seconds, double totalRate) throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        AtomicLong errors = new AtomicLong();
        List<long[]> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(connections);
        long[][] results = new long[connections][];
        for (int c = 0; c < connections; c++) {
            final int id = c;
            Thread t = new Thread(() -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                long interval = totalRate > 0 ? (long) (1e9 * connections / totalRate) : 0;
                long next = start + (interval > 0 ? interval * id / connections : 0);
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
                    ready.countDown();
                    while (true) {
                        long sendAt = System.nanoTime();
                        if (interval > 0) {
                            // Parked, never spinning: 8 threads spinning out the last stretch before each send took a
                            // whole core of the 2 from the server and showed up as its latency. A late wake-up costs
                            // nothing hidden: latency counts from the scheduled send time.
                            while (sendAt < next) {
                                LockSupport.parkNanos(next - sendAt);
                                sendAt = System.nanoTime();
                            }
                            sendAt = next;
                            next += interval;
                        }
                        if (sendAt >= end) {
                            break;
                        }
                        out.write(requests[(id + n) % requests.length]);
                        out.flush();
                        if (readResponse(in) != 200) {
                            errors.incrementAndGet();
                        }
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = System.nanoTime() - sendAt;
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                    ready.countDown();
                }
                results[id] = Arrays.copyOf(lat, n);
            }, "load-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double took = (System.nanoTime() - start) / 1e9;
        int total = 0;
        for (long[] r : results) {
            perThread.add(r);
            total += r.length;
        }
        long[] all = new long[total];
        int at = 0;
        for (long[] r : perThread) {
            System.arraycopy(r, 0, all, at, r.length);
            at += r.length;
        }
        Arrays.sort(all);
        // The actual duration: an open loop that fell behind its schedule finishes late, and its throughput is what it achieved.
        return new Result(total, errors.get(), took, all);
    }

    /** Reads one response (status line, headers, a Content-Length or chunked body) and returns its status. */
    static int readResponse(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int status = -1;
        int contentLength = 0;
        boolean chunked = false;
        boolean first = true;
        while (true) {
            readLine(in, line);
            if (line.length() == 0) {
                break;
            }
            if (first) {
                status = Integer.parseInt(line.substring(9, 12));
                first = false;
            } else if (line.toString().regionMatches(true, 0, "content-length:", 0, 15)) {
                contentLength = Integer.parseInt(line.substring(15).trim());
            } else if (line.toString().regionMatches(true, 0, "transfer-encoding:", 0, 18)) {
                chunked = line.substring(18).trim().equalsIgnoreCase("chunked");
            }
        }
        if (!chunked) {
            skip(in, contentLength);
            return status;
        }
        while (true) {
            readLine(in, line);
            int size = Integer.parseInt(line.toString().split(";", 2)[0].trim(), 16);
            if (size == 0) {
                // Trailers, if any, end with an empty line.
                do {
                    readLine(in, line);
                } while (line.length() > 0);
                return status;
            }
            skip(in, size);
            readLine(in, line);
        }
    }

    private static void readLine(InputStream in, StringBuilder line) throws IOException {
        line.setLength(0);
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
    }

    private static void skip(InputStream in, long contentLength) throws IOException {
        long skipped = 0;
        while (skipped < contentLength) {
            long k = in.skip(contentLength - skipped);
            if (k <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed in body");
                }
                k = 1;
            }
            skipped += k;
        }
    }
}
