package io.tunetrail.cli.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.stack.ClusterHttp;
import io.tunetrail.cli.stack.ClusterSubmit;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The streaming jobs as long-running jobs of the local Flink session cluster: submitted detached (the command returns,
 * the job stays) and stopped with a savepoint through the JobManager's REST API, which the next submission restores.
 * A cancelled or failed job keeps its last checkpoint instead (the jobs retain them), restored the same way.
 */
public final class FlinkSessionJobs {
    /** Every Flink job the streaming jar starts is named so ({@code StreamingJobsMain}). */
    static final String NAME_PREFIX = "tunetrail ";
    private static final Pattern SUBMITTED = Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");
    private static final Set<String> ENDED = Set.of("CANCELED", "FINISHED", "FAILED");
    private static final long SAVEPOINT_TIMEOUT_NANOS = 120_000_000_000L;

    private final PlatformConfig config;
    private final Path root;
    private final ClusterSubmit cluster;

    public FlinkSessionJobs(PlatformConfig config, Path root) {
        this.config = config;
        this.root = root;
        this.cluster = new ClusterSubmit(config, root);
    }

    /** Submits {@code job} ({@code usage-counters}, {@code session-features}, {@code all}) and returns its Flink job id. */
    public String submit(String job, Consumer<String> output) {
        JobLauncher.JobRun run = JobLauncher.onCluster(config, root).submitDetached(JobLauncher.Engine.FLINK, List.of("--job", job), output);
        for (String line : run.tail()) {
            Matcher m = SUBMITTED.matcher(line);
            if (m.find() && run.ok()) {
                return m.group(1);
            }
        }
        List<String> tail = run.tail().subList(Math.max(0, run.tail().size() - 3), run.tail().size());
        throw CliError.failed("submitting the streaming job " + job + " failed", "flink run exited with " + run.exitCode() + ": "
                + String.join(" | ", tail), "See its output above and the JobManager's log under <home>/cluster/logs");
    }

    /** A streaming job of the cluster: its Flink id and the name after {@link #NAME_PREFIX} (its checkpoint folder's name). */
    record StreamingJob(String id, String job) {}

    /** The ids of the cluster's streaming jobs that have not ended. */
    public List<String> running() {
        return streamingJobs().stream().map(StreamingJob::id).toList();
    }

    private List<StreamingJob> streamingJobs() {
        cluster.requireFlink();
        JsonNode jobs = ClusterHttp.get(cluster.flinkRestUrl() + "/jobs/overview").orElseThrow(() -> CliError.failed(
                "cannot list the Flink cluster's jobs", cluster.flinkRestUrl() + "/jobs/overview did not answer", null));
        List<StreamingJob> out = new ArrayList<>();
        for (JsonNode j : jobs.path("jobs")) {
            String name = j.path("name").asText();
            if (name.startsWith(NAME_PREFIX) && !ENDED.contains(j.path("state").asText())) {
                out.add(new StreamingJob(j.path("jid").asText(), name.substring(NAME_PREFIX.length())));
            }
        }
        return out;
    }

    /**
     * Stops each running streaming job with a savepoint (Flink's stop-with-savepoint, not draining: windows stay open
     * in the savepoint) and waits until the cluster reports it ended; returns each job id's savepoint path. The
     * savepoint goes into the job's own checkpoint folder, where the next submission of the same job finds it as the
     * newest snapshot ({@code RetainedCheckpoints}) and restores it. A savepoint that fails leaves its job running.
     */
    public Map<String, String> stopWithSavepoints() {
        Map<String, String> savepoints = new LinkedHashMap<>();
        for (StreamingJob job : streamingJobs()) {
            String target = cluster.flinkCheckpointDir() + "/" + job.job();
            String body = EventCodec.mapper().createObjectNode().put("targetDirectory", target).put("drain", false).toString();
            String request = ClusterHttp.post(cluster.flinkRestUrl() + "/jobs/" + job.id() + "/stop", body)
                    .map(n -> n.path("request-id").asText()).filter(r -> !r.isEmpty())
                    .orElseThrow(() -> CliError.failed("stopping Flink job " + job.id() + " with a savepoint failed",
                            "the JobManager refused or did not answer", "See the JobManager's log under <home>/cluster/logs"));
            savepoints.put(job.id(), awaitSavepoint(job.id(), request));
        }
        awaitEnded(List.copyOf(savepoints.keySet()));
        return savepoints;
    }

    private String awaitSavepoint(String jobId, String request) {
        long deadline = System.nanoTime() + SAVEPOINT_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            Optional<JsonNode> status = ClusterHttp.get(cluster.flinkRestUrl() + "/jobs/" + jobId + "/savepoints/" + request);
            if (status.isPresent() && "COMPLETED".equals(status.get().path("status").path("id").asText())) {
                JsonNode operation = status.get().path("operation");
                if (operation.hasNonNull("location")) {
                    return operation.path("location").asText();
                }
                throw CliError.failed("the savepoint of Flink job " + jobId + " failed; the job keeps running",
                        operation.path("failure-cause").path("stack-trace").asText("no cause given").lines().findFirst().orElse(""),
                        "See the JobManager's log under <home>/cluster/logs; try again once the job's checkpoints complete, or cancel "
                                + "without one: ./tunetrail stream --cluster --stop --no-savepoint");
            }
            sleep();
        }
        throw CliError.failed("the savepoint of Flink job " + jobId + " did not complete within 2 minutes", null,
                "See the JobManager's log under <home>/cluster/logs");
    }

    /** Cancels the running streaming jobs and waits (up to a minute) until the cluster reports them ended. */
    public List<String> cancelStreamingJobs() {
        List<String> ids = running();
        for (String id : ids) {
            if (ClusterHttp.patch(cluster.flinkRestUrl() + "/jobs/" + id + "?mode=cancel").isEmpty()) {
                throw CliError.failed("cancelling Flink job " + id + " failed", "the JobManager refused or did not answer", null);
            }
        }
        awaitEnded(ids);
        return ids;
    }

    private void awaitEnded(List<String> ids) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!ids.isEmpty() && running().stream().anyMatch(ids::contains)) {
            if (System.nanoTime() > deadline) {
                throw CliError.failed("the Flink jobs " + ids + " did not end within a minute of being stopped", null,
                        "See the JobManager's log under <home>/cluster/logs");
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliError.failed("interrupted", null, null);
        }
    }
}
