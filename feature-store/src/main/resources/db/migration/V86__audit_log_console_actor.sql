-- A member signed in to the web console acts without an API key: their changes are audited as actor_type 'console'
-- (actor_id NULL, actor_member_id the member).
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_type_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_type_check CHECK (actor_type IN ('api_key', 'console', 'stripe', 'operator'));
