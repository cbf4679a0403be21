package io.tunetrail.console.web;

import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.store.Sql;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * The white label of an org's console ({@code org_branding}, V95): its name, accent colour and PNG logo, checked here
 * before anything is stored. SVG is refused rather than sanitised: an SVG can carry script and external references,
 * and a logo does not need vector graphics.
 */
final class Branding {
    /** The plan feature that shows a white label. */
    static final String FEATURE = "white_label";
    static final int MAX_NAME = 60;
    static final int MAX_LOGO_BYTES = 256 * 1024;
    static final int MAX_LOGO_SIDE = 1024;
    private static final Pattern HEX = Pattern.compile("#[0-9a-fA-F]{6}");
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** What the owner's form asks for, checked: {@code logo} null keeps the stored one unless {@code removeLogo}. */
    record Change(String name, String accent, byte[] logo, boolean removeLogo) {}

    private final Sql sql;
    private final Clock clock;

    Branding(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    Optional<Views.Brand> of(String orgId) {
        return sql.one("reading the white label", "SELECT display_name, accent_color, logo_sha256 IS NOT NULL, updated_at FROM org_branding "
                + "WHERE org_id = ?", ps -> ps.setString(1, orgId), rs -> new Views.Brand(rs.getString(1), rs.getString(2), rs.getBoolean(3),
                        Sql.instant(rs, "updated_at").toEpochMilli()));
    }

    Optional<byte[]> logo(String orgId) {
        return sql.one("reading the logo", "SELECT logo_png FROM org_branding WHERE org_id = ? AND logo_png IS NOT NULL",
                ps -> ps.setString(1, orgId), rs -> rs.getBytes(1));
    }

    /**
     * Checks the form's fields and returns the change, or fills {@code errors} by field and returns null; nothing is
     * stored either way.
     */
    static Change check(String rawName, String rawAccent, byte[] logo, boolean removeLogo, Map<String, String> errors) {
        String name = rawName == null ? "" : rawName.strip();
        if (name.isEmpty() || name.length() > MAX_NAME || name.codePoints().anyMatch(Character::isISOControl)) {
            errors.put("display_name", "Give a name of 1 to " + MAX_NAME + " characters, on one line.");
        }
        String accent = rawAccent == null ? "" : rawAccent.strip();
        if (!HEX.matcher(accent).matches()) {
            errors.put("accent_color", "'" + accent + "' is not a colour such as #1a365d (a '#' and six hexadecimal digits).");
        }
        byte[] png = logo == null || logo.length == 0 ? null : logo;
        if (png != null) {
            String why = logoRefusal(png);
            if (why != null) {
                errors.put("logo", why);
            }
        }
        return errors.isEmpty() ? new Change(name, accent.toLowerCase(Locale.ROOT), png, removeLogo && png == null) : null;
    }

    /** Why {@code bytes} is not an acceptable logo, or null: a PNG of at most 256 KiB and 1024 pixels a side that decodes. */
    static String logoRefusal(byte[] bytes) {
        if (bytes.length > MAX_LOGO_BYTES) {
            return "The logo has " + bytes.length + " bytes; it may have at most " + MAX_LOGO_BYTES + " (256 KiB).";
        }
        String head = new String(bytes, 0, Math.min(bytes.length, 512), StandardCharsets.ISO_8859_1).stripLeading().toLowerCase(Locale.ROOT);
        if (head.startsWith("<") || head.startsWith("\u00ef\u00bb\u00bf<") || head.contains("<svg")) {
            return "SVG logos are refused: an SVG can carry script. Upload the logo as a PNG.";
        }
        if (bytes.length < 33 || !Arrays.equals(Arrays.copyOf(bytes, 8), PNG_SIGNATURE)
                || !"IHDR".equals(new String(bytes, 12, 4, StandardCharsets.ISO_8859_1))) {
            return "The logo must be a PNG image.";
        }
        // The header's size is checked before decoding, so a small file claiming a huge image is never expanded.
        int width = ByteBuffer.wrap(bytes, 16, 4).getInt();
        int height = ByteBuffer.wrap(bytes, 20, 4).getInt();
        if (width < 1 || height < 1 || width > MAX_LOGO_SIDE || height > MAX_LOGO_SIDE) {
            return "The logo is " + Integer.toUnsignedString(width) + " × " + Integer.toUnsignedString(height) + " pixels; at most "
                    + MAX_LOGO_SIDE + " a side.";
        }
        try {
            if (ImageIO.read(new ByteArrayInputStream(bytes)) == null) {
                return "The logo does not decode as a PNG image.";
            }
        } catch (IOException | RuntimeException e) {
            return "The logo does not decode as a PNG image.";
        }
        return null;
    }

    /** Stores the change and audits it as the owner, in one transaction. */
    void save(Principal owner, Change change) {
        sql.transaction("saving the white label", c -> {
            String logoSql = change.logo() != null ? "?, ?" : change.removeLogo() ? "NULL, NULL" : null;
            String statement = "INSERT INTO org_branding (org_id, display_name, accent_color, logo_png, logo_sha256, updated_at, updated_by) "
                    + "VALUES (?, ?, ?, " + (logoSql == null ? "NULL, NULL" : logoSql) + ", ?, ?) ON CONFLICT (org_id) DO UPDATE SET "
                    + "display_name = EXCLUDED.display_name, accent_color = EXCLUDED.accent_color, updated_at = EXCLUDED.updated_at, "
                    + "updated_by = EXCLUDED.updated_by" + (logoSql == null ? "" : ", logo_png = EXCLUDED.logo_png, logo_sha256 = EXCLUDED.logo_sha256");
            try (var ps = c.prepareStatement(statement)) {
                int i = 1;
                ps.setString(i++, owner.orgId());
                ps.setString(i++, change.name());
                ps.setString(i++, change.accent());
                if (change.logo() != null) {
                    ps.setBytes(i++, change.logo());
                    ps.setString(i++, sha256(change.logo()));
                }
                ps.setTimestamp(i++, Timestamp.from(clock.instant()));
                ps.setString(i, owner.memberId());
                ps.executeUpdate();
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("display_name", change.name());
            details.put("accent_color", change.accent());
            details.put("logo", change.logo() != null ? "replaced" : change.removeLogo() ? "removed" : "kept");
            AuditLog.record(c, owner.orgId(), AuditLog.Actor.of(owner), "org.branding_changed", "org", owner.orgId(), details);
            return null;
        });
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
