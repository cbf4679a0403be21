-- The web console's sign-in: a member's password (console_credentials) and server-side sessions (console_sessions).
-- Only hashes are stored: the password as Argon2id (its PHC string carries salt and parameters), the session id as
-- SHA-256 (a 256-bit random value needs no slow hash; a leaked table row must not be a usable cookie).

CREATE TABLE console_credentials (
    org_id         tt_id NOT NULL,
    member_id      tt_id NOT NULL,
    -- The address the member signs in with: the member's e-mail when the password was set. Kept here, rather than
    -- read from members, so that it can be unique across orgs (a sign-in names no org).
    login_email    text NOT NULL CHECK (login_email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND length(login_email) <= 320),
    password_hash  text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, member_id),
    FOREIGN KEY (org_id, member_id) REFERENCES members ON DELETE CASCADE
);
-- Exception to "indexes start with org_id": a sign-in carries only the e-mail, so the console finds the org through it.
CREATE UNIQUE INDEX console_credentials_by_email ON console_credentials (lower(login_email));
CREATE TRIGGER console_credentials_touch BEFORE UPDATE ON console_credentials FOR EACH ROW EXECUTE FUNCTION tt_touch_updated_at();
COMMENT ON TABLE console_credentials IS 'Web console passwords of members (Argon2id PHC strings), one per member; the e-mail is unique across orgs.';

CREATE TABLE console_sessions (
    org_id         tt_id NOT NULL,
    session_hash   text NOT NULL CHECK (session_hash ~ '^[0-9a-f]{64}$'),
    member_id      tt_id NOT NULL,
    -- The synchroniser token every state-changing form of this session carries.
    csrf_token     text NOT NULL CHECK (length(csrf_token) >= 32),
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    -- The absolute end, whatever the activity; the idle end is last_seen_at + the configured idle time.
    expires_at     timestamptz NOT NULL,
    PRIMARY KEY (org_id, session_hash),
    FOREIGN KEY (org_id, member_id) REFERENCES members ON DELETE CASCADE
);
-- Exception to "indexes start with org_id": a request carries only the cookie, so the console finds the org through it.
CREATE UNIQUE INDEX console_sessions_by_hash ON console_sessions (session_hash);
CREATE INDEX console_sessions_by_member ON console_sessions (org_id, member_id);
COMMENT ON TABLE console_sessions IS 'Signed-in web console sessions: SHA-256 of the cookie value, member, CSRF token, idle and absolute expiry.';
