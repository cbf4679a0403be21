-- The audit log (issue 17 §5): one row per administrative change, written by the code that makes the change in the
-- same transaction (io.tunetrail.api.audit.AuditLog), so an entry exists exactly when its change was committed.
CREATE TABLE audit_log (
    org_id          tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    audit_id        bigint GENERATED ALWAYS AS IDENTITY,
    -- clock_timestamp(), not now(): entries of one transaction keep their order in time.
    occurred_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- Who acted: an API key (of a member, or an org key), Stripe (a billing webhook), or the operator (CLI, jobs).
    actor_type      text NOT NULL CHECK (actor_type IN ('api_key', 'stripe', 'operator')),
    -- The key id, the Stripe event id, or NULL for the operator. Not foreign keys: the log outlives what it names.
    actor_id        text CHECK (length(actor_id) <= 255),
    actor_member_id tt_id,
    -- <object>.<verb>, e.g. team.renamed, member.role_changed, api_key.revoked, org.plan_changed.
    action          text NOT NULL CHECK (action ~ '^[a-z][a-z_]*\.[a-z][a-z_]*$' AND length(action) <= 64),
    target_type     text NOT NULL CHECK (target_type ~ '^[a-z][a-z_]{0,31}$'),
    target_id       text CHECK (length(target_id) <= 255),
    -- What changed (before/after values, names); never secrets.
    details         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
    PRIMARY KEY (org_id, audit_id)
);
-- The listing's order (newest first) and its keyset, with the from/to filters as a range of it.
CREATE INDEX audit_log_by_time ON audit_log (org_id, occurred_at DESC, audit_id DESC);
COMMENT ON TABLE audit_log IS 'Administrative changes of an organisation (teams, members, roles, API keys, plan, flags, webhooks): who, what, on which object, with details; written in the transaction of the change. Served by GET /api/v1/audit-log.';
