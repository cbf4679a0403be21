-- Accounts of BI analysts on the SQL endpoint (issue 14): ./tunetrail admin analyst create. An account without an org
-- reads every table of the offline store; one with an org reads only that org's views, enforced by the endpoint's
-- engine. The password is stored as a slow KDF (PBKDF2-HMAC-SHA256, encoded with its parameters), never itself.
-- The account name is the login, global like key ids, so it may not look like one (key_...: API keys log in by id).
CREATE TABLE analyst_accounts (
    name          text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9._-]{1,63}$' AND name NOT LIKE 'key\_%'),
    org_id        tt_id REFERENCES organisations ON DELETE CASCADE,
    password_hash text NOT NULL CHECK (password_hash LIKE 'pbkdf2-sha256$%'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);
CREATE INDEX analyst_accounts_by_org ON analyst_accounts (org_id) WHERE org_id IS NOT NULL;
COMMENT ON TABLE analyst_accounts IS 'SQL endpoint logins of BI analysts: PBKDF2 hash of the password, and the org the account is bound to (NULL: every org).';
