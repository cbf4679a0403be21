package io.tunetrail.batch.nightly;

/**
 * One job of the nightly chain (als, track-similarity, genre-correlations, ...): reads its inputs through the
 * {@link NightlyContext}, writes its Delta tables (and, for materialising jobs, the online stores), and says what it
 * did in a {@link JobResult}.
 *
 * <p>How to write one:
 * <ul>
 *   <li>All I/O comes from the context: {@link NightlyContext#interactions()} and {@link NightlyContext#catalogTracks()}
 *       for inputs, {@link NightlyContext#tables()} to read and write offline tables, {@link NightlyContext#dataSource()}
 *       and {@link NightlyContext#onlineStore()} for PostgreSQL and Redis, {@link NightlyContext#config()} for
 *       parameters. Nothing is read from globals, so a test builds a context over a temporary store root.</li>
 *   <li>Keep the computation in a separate class that maps DataFrames to DataFrames (testable on small frames); the
 *       job only wires it to the context.</li>
 *   <li>Work per org ({@link NightlyContext#orgs()}): every output row carries {@code org_id}, the first partition
 *       column of every table (schemas/offline-store.yaml).</li>
 *   <li>Be idempotent: running a job twice for the same inputs replaces its partitions, never appends duplicates
 *       ({@link OfflineTables#replacePartition}).</li>
 *   <li>Record the Delta versions of the inputs read ({@link DeltaInput#version()}) in the result, so a version can be
 *       reproduced.</li>
 *   <li>Fail by throwing with a message that names the job, the org and the cause; the chain stops there.</li>
 * </ul>
 *
 * <p>Register a job in {@link NightlyJobs#ALL}, the one list of the chain's order.
 */
public interface NightlyJob {
    /** The job's name on the command line ({@code --job als}) and in results: lower case, dashes. */
    String name();

    /** Runs the job once for the context's orgs. */
    JobResult run(NightlyContext context);
}
