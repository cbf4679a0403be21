-- The standing job worker (./tunetrail worker) takes training requests as one kind of job. What every job table
-- carries for it, beside V55's lease (leased_by, lease_expires_at, attempts):
--   not_before  a failed attempt is retried after an exponential backoff, not at once;
--   stage, percent  the progress the running job reports at each heartbeat, shown through the API with updated_at.
-- A new kind of job adds the same columns to its own table (see io.tunetrail.store.jobs.JobTable).
ALTER TABLE training_requests
    ADD COLUMN not_before timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN stage      text,
    ADD COLUMN percent    smallint CHECK (percent BETWEEN 0 AND 100);

-- priority was the plan's training_priority (only enterprise had one: 10); it is now the rank of the plan's job
-- priority (low 1, standard 2, high 3, critical 4: PlanCatalog.JobPriority), and enterprise's is critical.
UPDATE training_requests SET priority = 4 WHERE priority > 4;
UPDATE training_requests SET priority = 1 WHERE priority < 1;
ALTER TABLE training_requests ADD CONSTRAINT training_requests_priority_rank CHECK (priority BETWEEN 1 AND 4);

-- The worker's pick reads the unfinished rows through training_requests_queue (V5: org_id, status, priority,
-- created_at); org-scoped indexes lead with org_id here (DatabaseSchemaIT), so there is no cross-org index of its own.

COMMENT ON COLUMN training_requests.not_before IS 'A queued request is not claimed before this time (the backoff after a failed attempt).';
COMMENT ON COLUMN training_requests.stage IS 'What the running job is doing, as its worker last reported it.';
COMMENT ON COLUMN training_requests.percent IS 'How far the running job is (0..100), as its worker last reported it.';
