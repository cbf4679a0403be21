-- The cost meter (issue 17 §3): one row per measured run of costly work for an org: a training job's attempt, a
-- nightly job's share of an org, a batch audio analysis. CPU seconds are measured (Spark's executorCpuTime of the run's
-- own tasks plus the driver thread's CPU time), priced with config/costs.yaml when recorded (prices change; a row keeps
-- what it cost then). API calls are not rows here: they are costed from usage_ledger at read time.
CREATE TABLE usage_costs (
    org_id       tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    cost_id      bigint GENERATED ALWAYS AS IDENTITY,
    kind         text NOT NULL CHECK (kind IN ('training', 'nightly', 'audio_analysis')),
    -- The job it measured: a training request id, a nightly run id and job name, an audio batch id.
    job_id       text NOT NULL CHECK (length(job_id) BETWEEN 1 AND 255),
    -- A retried job costs again: each claim is its own row.
    attempt      integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    -- The UTC day the work ended: what caps (month to date) and the listing by day count.
    day          date NOT NULL,
    measured_at  timestamptz NOT NULL DEFAULT now(),
    cpu_seconds  double precision NOT NULL CHECK (cpu_seconds >= 0),
    usd          numeric(16, 8) NOT NULL CHECK (usd >= 0),
    -- How it was measured (executor and driver CPU separately, the job group), never secrets.
    details      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
    PRIMARY KEY (org_id, cost_id)
);
-- A measurement recorded twice (a retried write) counts once.
CREATE UNIQUE INDEX usage_costs_once ON usage_costs (org_id, kind, job_id, attempt);
CREATE INDEX usage_costs_by_day ON usage_costs (org_id, day, kind);
COMMENT ON TABLE usage_costs IS 'Measured cost of costly work per org: CPU seconds and US dollars per training attempt, nightly job and audio batch (priced with config/costs.yaml when recorded). With usage_ledger costed per route class, the month-to-date cost that cost caps (config/plans.yaml cost_caps) are checked against. Served by GET /api/v1/usage/costs.';
