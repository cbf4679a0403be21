package io.tunetrail.api.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * Caps every request body, whether it declares a Content-Length or arrives chunked, before any handler buffers it.
 *
 * <p>Javalin 6 checks only the declared Content-Length ({@code http.maxRequestSize}); a {@code Transfer-Encoding:
 * chunked} body has none, and {@code ctx.bodyAsBytes()} then reads all of it into memory. This servlet filter runs in
 * front of Javalin: a declared length over the limit is refused at once, and every other body is read through a
 * stream that throws the 413 as soon as one byte more than the limit arrived. The 413 says {@code Connection: close};
 * Jetty then shuts its side down and discards whatever the client still sends until it stops (so the client can read
 * the 413 instead of meeting a reset): no handler sees it and nothing is kept. Some paths have a smaller limit of
 * their own (Stripe's webhook).
 */
public final class BodyLimits implements Filter {
    /**
     * On a request to a path that {@linkplain #answeringInHandler answers an oversized body itself}: the limit its
     * declared Content-Length was over (a {@code Long}). Its body is then empty to the handler; nothing of it was read.
     */
    public static final String OVERSIZED = "tunetrail.body-oversized";

    private final long defaultMaxBytes;
    private final Map<String, Long> maxBytesByPath;
    private final Map<String, java.util.function.LongFunction<ApiException>> refusalByPath;
    private java.util.Set<String> answeredInHandler = java.util.Set.of();

    public BodyLimits(long defaultMaxBytes, Map<String, Long> maxBytesByPath) {
        this(defaultMaxBytes, maxBytesByPath, Map.of());
    }

    /**
     * As above, some paths refusing in their own words (the audio routes say {@code audio_too_large}, as their handler
     * does for a file over the limit, so a client meets one code whichever check caught it).
     */
    public BodyLimits(long defaultMaxBytes, Map<String, Long> maxBytesByPath, Map<String, java.util.function.LongFunction<ApiException>> refusalByPath) {
        this.defaultMaxBytes = defaultMaxBytes;
        this.maxBytesByPath = Map.copyOf(maxBytesByPath);
        this.refusalByPath = Map.copyOf(refusalByPath);
    }

    /**
     * These paths' handlers answer a declared body over the limit themselves (a page with the form's field marked, say)
     * instead of this filter's 413: they run with {@link #OVERSIZED} set and an empty body, and the connection closes
     * after their answer, so the unread rest is discarded as after the 413.
     */
    public BodyLimits answeringInHandler(java.util.Set<String> paths) {
        this.answeredInHandler = java.util.Set.copyOf(paths);
        return this;
    }

    /** The limit of a request path: its own, or the default. */
    public long maxBytes(String path) {
        return maxBytesByPath.getOrDefault(path, defaultMaxBytes);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        long declared = http.getContentLengthLong();
        if (declared <= 0 && http.getHeader("Transfer-Encoding") == null) {
            chain.doFilter(request, response); // no body: nothing to cap, nothing to allocate
            return;
        }
        long max = maxBytes(http.getRequestURI());
        java.util.function.LongFunction<ApiException> refusal = refusalByPath.getOrDefault(http.getRequestURI(), ApiErrors::bodyTooLarge);
        if (declared > max && answeredInHandler.contains(http.getRequestURI())) {
            request.setAttribute(OVERSIZED, max);
            ((HttpServletResponse) response).setHeader("Connection", "close");
            chain.doFilter(new Unread(http), response);
            return;
        }
        if (declared > max) {
            ErrorResponses.write((HttpServletResponse) response, refusal.apply(max));
            return;
        }
        chain.doFilter(new Bounded(http, max, refusal), response);
    }

    /** The request with its body left unread: empty to whoever asks. */
    private static final class Unread extends HttpServletRequestWrapper {
        Unread(HttpServletRequest request) {
            super(request);
        }

        @Override
        public long getContentLengthLong() {
            return 0;
        }

        @Override
        public int getContentLength() {
            return 0;
        }

        @Override
        public ServletInputStream getInputStream() {
            return new ServletInputStream() {
                @Override
                public int read() {
                    return -1;
                }

                @Override
                public boolean isFinished() {
                    return true;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the oversized body of " + getRequestURI() + " is not read");
                }
            };
        }
    }

    /** The request with its body stream capped. */
    private static final class Bounded extends HttpServletRequestWrapper {
        private final long max;
        private final java.util.function.LongFunction<ApiException> refusal;
        private ServletInputStream stream;

        Bounded(HttpServletRequest request, long max, java.util.function.LongFunction<ApiException> refusal) {
            super(request);
            this.max = max;
            this.refusal = refusal;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new BoundedStream(super.getInputStream(), max, refusal);
            }
            return stream;
        }

        @Override
        public java.io.BufferedReader getReader() throws IOException {
            String charset = getCharacterEncoding();
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(),
                    charset == null ? java.nio.charset.StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(charset)));
        }
    }

    /** Counts what it hands out and throws the 413 once more than {@code max} bytes arrived. */
    static final class BoundedStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long max;
        private final java.util.function.LongFunction<ApiException> refusal;
        private long read;

        BoundedStream(ServletInputStream in, long max, java.util.function.LongFunction<ApiException> refusal) {
            this.in = in;
            this.max = max;
            this.refusal = refusal;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            // Never ask for more than one byte past the limit: that byte alone proves the body too large.
            int n = in.read(buffer, offset, (int) Math.min(length, max - read + 1));
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > max) {
                throw refusal.apply(max);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
