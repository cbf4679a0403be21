package io.tunetrail.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpLoadTest {
    @Test
    void readsBackToBackResponsesOnOneConnection() throws IOException {
        String two = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
                + "HTTP/1.1 429 Too Many Requests\r\ncontent-length: 2\r\nRetry-After: 1\r\n\r\n{}";
        InputStream in = new ByteArrayInputStream(two.getBytes(StandardCharsets.US_ASCII));
        assertThat(HttpLoad.readResponse(in)).isEqualTo(200);
        assertThat(HttpLoad.readResponse(in)).isEqualTo(429);
        assertThatThrownBy(() -> HttpLoad.readResponse(in)).isInstanceOf(IOException.class);
    }

    @Test
    void readsAChunkedResponseToItsEndSoTheNextOneStartsInPlace() throws IOException {
        String two = "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\n{\"a\":\r\n3;ext=1\r\n12}\r\n0\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
        InputStream in = new ByteArrayInputStream(two.getBytes(StandardCharsets.US_ASCII));
        assertThat(HttpLoad.readResponse(in)).isEqualTo(202);
        assertThat(HttpLoad.readResponse(in)).isEqualTo(200);
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void percentilesComeFromTheSortedLatencies() {
        long[] nanos = new long[100];
        for (int i = 0; i < 100; i++) {
            nanos[i] = (i + 1) * 1_000_000L;
        }
        HttpLoad.Result r = new HttpLoad.Result(100, 0, 2.0, nanos);
        assertThat(r.percentileMillis(50)).isEqualTo(50.0);
        assertThat(r.percentileMillis(99)).isEqualTo(99.0);
        assertThat(r.throughput()).isEqualTo(50.0);
    }

    @Test
    void requestsCarryTheKeyOnlyWhenGiven() {
        assertThat(new String(HttpLoad.request("/x", "tt_k"), StandardCharsets.US_ASCII)).contains("Authorization: Bearer tt_k\r\n").endsWith("\r\n\r\n");
        assertThat(new String(HttpLoad.request("/x", null), StandardCharsets.US_ASCII)).doesNotContain("Authorization");
    }
}
