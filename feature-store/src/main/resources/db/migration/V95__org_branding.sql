-- White label of an enterprise org's web console (issue 18): the name, logo and accent colour its members see in the
-- console's header, set by an owner. The logo is a small PNG kept here (bounded by logo_bytes' check and by the console
-- before it reads more), served back only to the org's own signed-in members. SVG is never stored: it can carry script.

CREATE TABLE org_branding (
    org_id         tt_id PRIMARY KEY REFERENCES organisations ON DELETE CASCADE,
    display_name   text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 60),
    accent_color   text NOT NULL CHECK (accent_color ~ '^#[0-9a-f]{6}$'),
    logo_png       bytea CHECK (logo_png IS NULL OR octet_length(logo_png) BETWEEN 8 AND 262144),
    logo_sha256    text CHECK (logo_sha256 ~ '^[0-9a-f]{64}$'),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    updated_by     tt_id NOT NULL,
    CONSTRAINT org_branding_logo_hashed CHECK ((logo_png IS NULL) = (logo_sha256 IS NULL))
);
COMMENT ON TABLE org_branding IS 'White label of an enterprise org''s web console, set by an owner: display name, accent colour and an optional PNG logo (at most 256 KiB, with its SHA-256), shown in its members'' console header.';
