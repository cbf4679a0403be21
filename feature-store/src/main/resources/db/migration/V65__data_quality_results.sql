-- Data quality: one row per check and subject per run of `./tunetrail quality check` (the tunetrail_data_quality
-- DAG runs it nightly). Kept as history: the row-count check compares with the previous run's observation, and an
-- analyst can chart any measure over time.
CREATE TABLE data_quality_results (
    id          bigserial PRIMARY KEY,
    run_id      text NOT NULL,
    check_name  text NOT NULL CHECK (check_name ~ '^[a-z][a-z0-9_]{0,63}$'),
    -- What was measured: a table (`delta:interactions`, `postgres:usage_ledger`) or a pair of them.
    subject     text NOT NULL,
    passed      boolean NOT NULL,
    -- The measured value (hours, rows, a share) and the limit it was held against; NULL when not numeric.
    observed    double precision,
    threshold   double precision,
    detail      text NOT NULL,
    checked_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX data_quality_results_latest ON data_quality_results (check_name, subject, checked_at DESC);
COMMENT ON TABLE data_quality_results IS 'Results of the data quality checks (./tunetrail quality check): one row per check, subject and run; history, never updated.';
