-- A claimed training request is leased to one worker until lease_expires_at; the worker renews the lease while it
-- runs. A worker that dies stops renewing, and once the lease has expired another worker may claim the request
-- (FOR UPDATE SKIP LOCKED picks it like a queued one); the dead worker's late finish is refused because the lease
-- names someone else. attempts counts claims, so a request that kills every worker fails after a few instead of
-- cycling for ever.
ALTER TABLE training_requests
    ADD COLUMN leased_by        text,
    ADD COLUMN lease_expires_at timestamptz,
    ADD COLUMN attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0);
-- Requests running before leases existed have no worker that could renew them: expired at once, so they run again.
UPDATE training_requests SET leased_by = 'before-leases', lease_expires_at = now(), attempts = 1 WHERE status = 'running';
ALTER TABLE training_requests ADD CONSTRAINT training_requests_running_is_leased
    CHECK (status <> 'running' OR (leased_by IS NOT NULL AND lease_expires_at IS NOT NULL));
COMMENT ON COLUMN training_requests.lease_expires_at IS 'Until when the worker in leased_by owns this running request; after it, another worker may claim it.';
