package io.tunetrail.batch.nightly;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one run of a {@link NightlyJob} did.
 *
 * @param job the job's name
 * @param runId the chain run this job belonged to ({@link NightlyContext#runId()})
 * @param modelVersions the model version each org got from this run ({@code org_id -> "MAJOR.MINOR"}); empty for jobs
 *     that produce no versioned model
 * @param inputVersions the Delta version of each input table read ({@code interactions -> 12}), so the run can be
 *     reproduced with time travel
 * @param outputVersions the Delta version of each table written, after the write
 * @param figures job-specific numbers for people and for the CLI's JSON line (rows written, metrics, ...)
 * @param durationMs wall time of the job
 */
public record JobResult(String job, String runId, Map<String, String> modelVersions, Map<String, Long> inputVersions,
        Map<String, Long> outputVersions, Map<String, Object> figures, long durationMs) {

    public JobResult {
        modelVersions = Map.copyOf(modelVersions);
        inputVersions = Map.copyOf(inputVersions);
        outputVersions = Map.copyOf(outputVersions);
        figures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }

    /** One line for people: {@code als: 2 orgs, 1.3 for acme, ... (12.4 s)}. */
    public String summary() {
        StringBuilder b = new StringBuilder(job).append(':');
        modelVersions.forEach((org, v) -> b.append(" ").append(org).append("=").append(v));
        figures.forEach((k, v) -> {
            if (!(v instanceof Map<?, ?>) && !(v instanceof java.util.Collection<?>)) {
                b.append(", ").append(k).append(' ').append(v);
            }
        });
        return b.append(String.format(" (%.1f s)", durationMs / 1000.0)).toString();
    }

    /** The result as one map, ready for the job's JSON line. */
    public Map<String, Object> asMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("job", job);
        out.put("run_id", runId);
        out.put("model_versions", new java.util.TreeMap<>(modelVersions));
        out.put("input_versions", new java.util.TreeMap<>(inputVersions));
        out.put("output_versions", new java.util.TreeMap<>(outputVersions));
        out.put("figures", figures);
        out.put("duration_ms", durationMs);
        return out;
    }
}
