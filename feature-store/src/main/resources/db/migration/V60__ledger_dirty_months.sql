-- The org-months whose billing ledger must be recomputed (issue 11). The lander marks a month here before it changes
-- any of that month's days in Delta's usage_daily, and clears the mark in the transaction that writes the month's
-- ledger rows. A lander that dies in between leaves the mark, and the next run recomputes the month even when it
-- lands nothing new; with the set in memory, that crash lost the month until some later day of it happened to land.
-- Only orgs this database knows are marked (the ledger could not hold the others' rows either: the lander counts
-- those as unknown in the run that lands them). Marks are kept per usage_daily table (its location), so a lander of
-- another offline store (a fault-suite run, a second environment) never clears them.
CREATE TABLE ledger_dirty_months (
    org_id      tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    usage_daily text NOT NULL,
    month       date NOT NULL CHECK (extract(day FROM month) = 1),
    marked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, usage_daily, month)
);
COMMENT ON TABLE ledger_dirty_months IS 'Org-months the lander has changed in Delta usage_daily (at the location usage_daily) but whose usage_ledger rows are not yet rewritten; cleared in the same transaction as those rows.';
