package io.tunetrail.store.jobs;

import java.util.Map;

/**
 * One kind of job the worker runs: its table, and how to run one claimed job of it. The worker claims, heartbeats,
 * retries and releases; the kind only does the work.
 */
public interface JobKind {
    JobTable table();

    /**
     * Runs a claimed job to its end and returns the columns to set on success (e.g. {@code model_version_id}). Report
     * progress through {@code control} and stop early when it says so. An {@link IllegalArgumentException} fails the
     * job for good (bad input does not get better by retrying); any other exception is retried with backoff.
     */
    Map<String, Object> run(LeasedJob job, JobControl control) throws Exception;
}
