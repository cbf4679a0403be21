-- Model pointer changes made by hand (POST /api/v1/models/rollback, POST /api/v1/models/pin, PUT /models/policy with a
-- pin): who did it and when, from which version to which. The flip happens in the request's transaction; this row is
-- written in that same transaction, so a change is recorded exactly when it happened. History, never updated.
CREATE TABLE model_version_changes (
    org_id           tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    change_id        bigint GENERATED ALWAYS AS IDENTITY,
    algorithm        text NOT NULL CHECK (algorithm ~ '^[a-z][a-z0-9_-]{0,63}$'),
    action           text NOT NULL CHECK (action IN ('rollback', 'pin')),
    -- The version active before; null when the org had none (a pin of its first version).
    from_version_id  bigint,
    to_version_id    bigint NOT NULL,
    -- The API key that asked, and the member it belongs to (null for an org key made by the operator).
    actor_key_id     tt_id,
    actor_member_id  tt_id,
    changed_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, change_id),
    FOREIGN KEY (org_id, from_version_id) REFERENCES model_versions (org_id, model_version_id),
    FOREIGN KEY (org_id, to_version_id) REFERENCES model_versions (org_id, model_version_id)
);
CREATE INDEX model_version_changes_recent ON model_version_changes (org_id, algorithm, changed_at DESC);
COMMENT ON TABLE model_version_changes IS 'Hand-made model pointer changes (rollback, pin) per org: from and to version, the key and member that asked, when; written in the same transaction as the change.';
