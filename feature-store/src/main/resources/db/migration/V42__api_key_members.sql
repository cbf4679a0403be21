-- API keys per member: a key made by (or for) a person carries that person's role (owner, admin, member), which the
-- owner/admin routes of the API check. A key without a member is an org key, made by the operator
-- (`tunetrail admin key create`) for the organisation as a whole.
ALTER TABLE api_keys ADD COLUMN member_id tt_id;
-- NO ACTION rather than CASCADE or SET NULL: deleting a person must not delete their keys (the usage ledger refers
-- to keys) nor turn them into org keys (which would raise their authority); revoke the keys first. Deleting the org
-- still deletes both, in one statement.
ALTER TABLE api_keys ADD CONSTRAINT api_keys_member FOREIGN KEY (org_id, member_id) REFERENCES members;
CREATE INDEX api_keys_by_member ON api_keys (org_id, member_id) WHERE member_id IS NOT NULL;
COMMENT ON COLUMN api_keys.member_id IS 'The person the key belongs to (their role applies to it); NULL for an org key made by the operator.';
