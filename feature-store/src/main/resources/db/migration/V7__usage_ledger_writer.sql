-- Who writes the billing ledger, now that something does (V4's comment named the streaming job, which writes Redis
-- and the offline store only). The lander sums the closed UTC days of Delta's usage_daily into it, a month as the sum
-- of its days, as absolute values: re-running it rewrites the same totals.
COMMENT ON TABLE usage_ledger IS 'Billable usage: units per org, API key and resource per closed UTC day and per calendar month (the sum of its days). Written by the lander (./tunetrail land) from the offline store''s usage_daily, which the streaming usage-counters job produces; the source for invoices and quota history. Today''s running totals are in Redis.';
