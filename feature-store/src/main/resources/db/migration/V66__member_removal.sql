-- Removing a person from an organisation (issue 17 §5). Their row stays, marked removed: the API keys they made point
-- at it (V42's foreign key is NO ACTION on purpose: deleting the person must neither delete their keys, which the
-- usage ledger refers to, nor turn them into org keys), and usage analytics by member still attribute those keys'
-- past usage to them. A removed person holds no seat, belongs to no team and has their keys revoked; adding the same
-- e-mail again gives them a seat back (with the role asked for then, not the one they had).
ALTER TABLE members ADD COLUMN removed_at timestamptz;
COMMENT ON COLUMN members.removed_at IS 'When the person was removed from the organisation (NULL: a current member holding a seat).';
