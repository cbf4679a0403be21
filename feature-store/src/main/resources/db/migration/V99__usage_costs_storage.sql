-- The storage meter (issue 17 §3, costs.yaml storage_gb_month_usd): once per nightly run the marts job records each
-- org's stored bytes (its registered audio files and its org_id partitions of the offline store) as a cost of kind
-- storage, one row per org and UTC day: job_id is the day, so the unique index usage_costs_once makes a second run of the
-- same day a no-op. Such a row has no CPU time; its usd is the day's share of the GB-month price.
ALTER TABLE usage_costs DROP CONSTRAINT usage_costs_kind_check;
ALTER TABLE usage_costs ADD CONSTRAINT usage_costs_kind_check CHECK (kind IN ('training', 'nightly', 'audio_analysis', 'storage'));
ALTER TABLE usage_costs ADD CONSTRAINT usage_costs_storage_shape CHECK (kind <> 'storage' OR (cpu_seconds = 0 AND job_id = day::text));
COMMENT ON TABLE usage_costs IS 'Measured cost per org: CPU seconds and US dollars per training attempt, nightly job and audio batch, and one storage row per day (stored bytes priced at the day''s share of a GB-month), priced with config/costs.yaml when recorded. With usage_ledger costed per route class, the month-to-date cost that cost caps (config/plans.yaml cost_caps) are checked against. Served by GET /api/v1/usage/costs.';
