package io.tunetrail.store.analyst;

import io.tunetrail.store.ApiKeyHash;
import java.util.Locale;

/**
 * The name of an org's database of views on the SQL endpoint. Here rather than in the endpoint because the CLI prints it
 * (the JDBC URL an org-bound analyst connects with) and must not load Spark to know it.
 */
public final class OrgDatabase {
    private OrgDatabase() {}

    /** {@code org_} and the id in lower case, other characters as {@code _}, and a short hash of the id when that changed
     * anything (so {@code acme-music} and {@code acme_music} never share one). */
    public static String of(String orgId) {
        String plain = orgId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return plain.equals(orgId) ? "org_" + plain : "org_" + plain + "_" + ApiKeyHash.of(orgId).substring(0, 8); // a SHA-256 hex
    }
}
