package io.tunetrail.store.jobs;

/** A job claimed by a worker: which one, and how many times it has been claimed (this claim included). */
public record LeasedJob(JobTable table, String orgId, String jobId, int attempts, String worker) {
    public String describe() {
        return table.kind() + " " + jobId + " of " + orgId;
    }
}
