-- Web console accounts by e-mail (issue 18): invitations from a team admin and password resets. Each sends a one-time
-- link through email_outbox; the link carries 256 random bits and only their SHA-256 is stored here, so a leaked row
-- is no usable link. A token is single use (accepted_at / used_at), expires (expires_at) and, for invitations, revocable.

CREATE TABLE console_invitations (
    org_id         tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    invitation_id  bigint GENERATED ALWAYS AS IDENTITY,
    email          text NOT NULL CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND length(email) <= 320),
    -- The role the invited person gets; the inviter's own role was at least this when they invited.
    role           text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    -- The team they join on accepting; NULL: none (an org-wide seat).
    team_id        tt_id,
    token_hash     text NOT NULL CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_by     tt_id NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    accepted_at    timestamptz,
    -- The member the invitation made (or gave back their seat), once accepted.
    accepted_member_id tt_id,
    revoked_at     timestamptz,
    PRIMARY KEY (org_id, invitation_id),
    FOREIGN KEY (org_id, team_id) REFERENCES teams ON DELETE CASCADE,
    FOREIGN KEY (org_id, created_by) REFERENCES members ON DELETE CASCADE,
    CONSTRAINT console_invitations_accepted_or_revoked CHECK (accepted_at IS NULL OR revoked_at IS NULL),
    CONSTRAINT console_invitations_accepted_by_member CHECK ((accepted_at IS NULL) = (accepted_member_id IS NULL))
);
-- Exception to "indexes start with org_id": the link carries only the token, so the console finds the org through it.
CREATE UNIQUE INDEX console_invitations_by_token ON console_invitations (token_hash);
-- The teams page lists the open ones.
CREATE INDEX console_invitations_open ON console_invitations (org_id, created_at DESC) WHERE accepted_at IS NULL AND revoked_at IS NULL;
COMMENT ON TABLE console_invitations IS 'Web console invitations: e-mail, role, team, SHA-256 of the one-time link token, who invited, expiry, accepted or revoked.';

CREATE TABLE console_password_resets (
    org_id         tt_id NOT NULL,
    reset_id       bigint GENERATED ALWAYS AS IDENTITY,
    member_id      tt_id NOT NULL,
    token_hash     text NOT NULL CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    -- Set when the password was reset with it, or when another reset of the member made it void.
    used_at        timestamptz,
    PRIMARY KEY (org_id, reset_id),
    FOREIGN KEY (org_id, member_id) REFERENCES console_credentials ON DELETE CASCADE
);
-- Exception to "indexes start with org_id": the link carries only the token, so the console finds the org through it.
CREATE UNIQUE INDEX console_password_resets_by_token ON console_password_resets (token_hash);
CREATE INDEX console_password_resets_by_member ON console_password_resets (org_id, member_id) WHERE used_at IS NULL;
COMMENT ON TABLE console_password_resets IS 'Web console password resets: SHA-256 of the one-time link token sent through email_outbox, expiry, when used.';
