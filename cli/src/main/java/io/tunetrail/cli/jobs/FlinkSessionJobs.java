package io.tunetrail.cli.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.stack.ClusterHttp;
import io.tunetrail.cli.stack.ClusterSubmit;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The streaming jobs as long-running jobs of the local Flink session cluster: submitted detached (the command returns,
 * the job stays) and cancelled through the JobManager's REST API. A cancelled job keeps its last checkpoint (the jobs
 * retain them on cancellation), which the next submission restores, as a local run stopped with Ctrl-C does.
 */
public final class FlinkSessionJobs {
    /** Every Flink job the streaming jar starts is named so ({@code StreamingJobsMain}). */
    static final String NAME_PREFIX = "tunetrail ";
    private static final Pattern SUBMITTED = Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");
    private static final Set<String> ENDED = Set.of("CANCELED", "FINISHED", "FAILED");

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

    /** The ids of the cluster's streaming jobs that have not ended. */
    public List<String> running() {
        cluster.requireFlink();
        JsonNode jobs = ClusterHttp.get(cluster.flinkRestUrl() + "/jobs/overview").orElseThrow(() -> CliError.failed(
                "cannot list the Flink cluster's jobs", cluster.flinkRestUrl() + "/jobs/overview did not answer", null));
        List<String> ids = new ArrayList<>();
        for (JsonNode j : jobs.path("jobs")) {
            if (j.path("name").asText().startsWith(NAME_PREFIX) && !ENDED.contains(j.path("state").asText())) {
                ids.add(j.path("jid").asText());
            }
        }
        return ids;
    }

    /** Cancels the running streaming jobs and waits (up to a minute) until the cluster reports them ended. */
    public List<String> cancelStreamingJobs() {
        List<String> ids = running();
        for (String id : ids) {
            if (ClusterHttp.patch(cluster.flinkRestUrl() + "/jobs/" + id + "?mode=cancel").isEmpty()) {
                throw CliError.failed("cancelling Flink job " + id + " failed", "the JobManager refused or did not answer", null);
            }
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!ids.isEmpty() && running().stream().anyMatch(ids::contains)) {
            if (System.nanoTime() > deadline) {
                throw CliError.failed("the Flink jobs " + ids + " did not end within a minute of their cancellation", null,
                        "See the JobManager's log under <home>/cluster/logs");
            }
            sleep();
        }
        return ids;
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
