-- The platform-wide emergency model freeze (./tunetrail admin models freeze|unfreeze): while frozen, no version is
-- promoted for any org or globally (the nightly promotion step and pins answer that the platform is frozen); a
-- rollback, itself the emergency action, stays allowed. One row, always present, so a reader never mistakes a
-- missing row for "not frozen" after a failed write.
CREATE TABLE platform_model_freeze (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    frozen      boolean NOT NULL DEFAULT false,
    reason      text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    -- Who set or cleared it last (the operator's name as given to the CLI, or the OS user).
    changed_by  text NOT NULL DEFAULT '' CHECK (length(changed_by) <= 200),
    changed_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO platform_model_freeze (singleton) VALUES (true);
COMMENT ON TABLE platform_model_freeze IS 'The platform-wide emergency model freeze (one row): while frozen nothing is promoted anywhere; rollback stays allowed.';
