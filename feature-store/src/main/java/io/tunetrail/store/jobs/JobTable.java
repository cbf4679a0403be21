package io.tunetrail.store.jobs;

import java.util.List;

/**
 * A table of queued jobs of one kind. Every such table has {@code org_id}, its id column, {@code status} (queued,
 * running, succeeded, failed, cancelled), {@code priority} (a plan's job priority rank), {@code created_at},
 * {@code started_at}, {@code finished_at}, {@code error}, the lease columns of V55 ({@code leased_by},
 * {@code lease_expires_at}, {@code attempts}) and those of V56 ({@code not_before}, {@code stage}, {@code percent}).
 *
 * <p>Adding a kind: a migration giving its table those columns, an entry in {@link #ALL} (so an org's concurrency
 * counts its running jobs too) and a {@link JobKind} that runs one job.
 */
public record JobTable(String kind, String table, String idColumn) {
    public static final JobTable TRAINING = new JobTable("training", "training_requests", "request_id");
    /** Every job table: an org's plan concurrency counts the running jobs of all of them. */
    public static final List<JobTable> ALL = List.of(TRAINING);

    public JobTable {
        for (String name : List.of(kind, table, idColumn)) {
            // They are spliced into SQL: only plain identifiers.
            if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("'" + name + "' is not a plain SQL identifier");
            }
        }
    }
}
