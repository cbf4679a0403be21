-- Retention of retired model versions' rows (batch-training materialise, io.tunetrail.store.registry.ModelRetention).
-- A version whose served rows were pruned keeps its registry row (params, metrics, input snapshot: the history stays
-- readable, and training requests keep pointing at it) but is marked, so a rollback never lands on an empty version.
ALTER TABLE model_versions ADD COLUMN rows_pruned_at timestamptz;
ALTER TABLE model_versions ADD CONSTRAINT model_versions_pruned_is_retired CHECK (rows_pruned_at IS NULL OR status = 'retired');
COMMENT ON COLUMN model_versions.rows_pruned_at IS 'When the retention rule (batch.retention.keep-retired) deleted this retired version''s rows from the analytics tables and the online store; null while they are kept. A pruned version cannot be rolled back to.';
