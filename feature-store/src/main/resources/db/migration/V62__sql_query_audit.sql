-- Every statement an account runs on the SQL endpoint (issue 14): who, which org, the SQL, how long, how many rows and
-- how it ended. In PostgreSQL, not in the lake: one small row per statement written as it happens (Delta would commit
-- files per statement or need batching and compaction), looked up by account and time (indexes), beside the accounts
-- it names, and readable by ./tunetrail sql audit without Spark. No foreign keys: the trail outlives deleted accounts
-- and orgs. Written asynchronously by the endpoint (sql-endpoint/.../audit), so a slow database never holds a query.
CREATE TABLE sql_query_audit (
    statement_id  text PRIMARY KEY,                 -- the Thrift server's statement id: a retried batch never duplicates
    account       text NOT NULL,                    -- the login: an analyst name or an API key id
    account_kind  text NOT NULL CHECK (account_kind IN ('analyst', 'api_key', 'unknown')),
    org_id        tt_id,                            -- the org the login is bound to; NULL: an every-org analyst
    session_id    text NOT NULL,
    sql_text      text NOT NULL,                    -- bounded: the first characters only (sql_length says how many there were)
    sql_length    integer NOT NULL CHECK (sql_length >= 0),
    started_at    timestamptz NOT NULL,
    duration_ms   bigint NOT NULL CHECK (duration_ms >= 0),
    row_count     bigint CHECK (row_count >= 0),    -- rows answered; NULL when it did not finish, or was answered incrementally
    outcome       text NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed', 'cancelled')),
    reason        text                              -- why it was refused, failed or cancelled (bounded)
);
CREATE INDEX sql_query_audit_by_time ON sql_query_audit (started_at DESC);
CREATE INDEX sql_query_audit_by_account ON sql_query_audit (account, started_at DESC);
CREATE INDEX sql_query_audit_by_org ON sql_query_audit (org_id, started_at DESC) WHERE org_id IS NOT NULL;
COMMENT ON TABLE sql_query_audit IS 'SQL endpoint statements: account, org, bounded SQL text, start, duration, rows, outcome (ok/refused/failed/cancelled) and reason.';
