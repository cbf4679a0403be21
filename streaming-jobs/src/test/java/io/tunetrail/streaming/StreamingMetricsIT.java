package io.tunetrail.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.streaming.common.StreamSettings;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;
import org.junit.jupiter.api.Test;

/** A streaming JVM given {@code stream.metrics-port} serves its Flink metrics as Prometheus text on loopback. */
class StreamingMetricsIT {

    @Test
    void aJobOnTheMiniClusterServesItsMetricsAsPrometheusText() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path checkpoints = Files.createTempDirectory("tt-metrics-it");
        StreamSettings settings = StreamSettings.of(PlatformConfig.load(Map.of(), Map.of(
                PlatformConfig.STREAM_METRICS_PORT.name(), Integer.toString(port),
                PlatformConfig.STREAM_CHECKPOINT_DIR.name(), checkpoints.toString())), false);
        StreamExecutionEnvironment env = StreamingJobsMain.environment(settings, "metrics-it", null);
        env.fromSequence(0, Long.MAX_VALUE).map(x -> x + 1).addSink(new DiscardingSink<>()).name("discard");
        JobClient job = env.executeAsync("metrics-it");
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String body = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && !body.contains("flink_taskmanager_job_task_numRecordsOut")) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    body = r.statusCode() == 200 ? r.body() : "";
                } catch (java.io.IOException e) {
                    // The reporter's server starts with the cluster; try again.
                }
                Thread.sleep(500);
            }
            assertThat(body).contains("flink_jobmanager_numRunningJobs", "flink_taskmanager_job_task_numRecordsOut");
        } finally {
            job.cancel().get();
        }
    }
}
