package io.tunetrail.sql.lake;

import io.tunetrail.model.OfflineStoreLayout;
import io.tunetrail.store.analyst.OrgDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The offline store as the SQL endpoint's catalog: every Delta table of {@code schemas/offline-store.yaml} that exists
 * is registered by name in database {@value #LAKE} (an external table over its location, so time travel and
 * {@code DESCRIBE HISTORY} work on it), and each org gets a database of views, one per org-scoped table, each
 * {@code SELECT * FROM lake.<table> WHERE org_id = '<org>'}. Tables without {@code org_id} (dead letters) have no org
 * views: org-bound accounts do not see them.
 *
 * <p>Runs in the endpoint's own session. Tables that appear after the server started (the first landing) and orgs
 * created since are added when an account logs in ({@link #refresh}, {@link #ensureOrg}).
 */
public final class LakeCatalog {
    public static final String LAKE = "lake";
    private static final String ORG_COLUMN = "org_id";

    private final SparkSession session;
    private final String root;
    private final OfflineStoreLayout layout;
    private final Set<String> tables = new LinkedHashSet<>();
    private final Set<String> orgTables = new LinkedHashSet<>();
    private final Set<String> orgsDone = new LinkedHashSet<>();

    public LakeCatalog(SparkSession session, String root, OfflineStoreLayout layout) {
        this.session = session;
        this.root = root;
        this.layout = layout;
    }

    /** The database of {@code orgId}'s views (see {@link OrgDatabase}). */
    public static String orgDatabase(String orgId) {
        return OrgDatabase.of(orgId);
    }

    /** Registers the tables that exist now and are not registered yet; returns the names registered in all. */
    public synchronized List<String> refresh() {
        session.sql("CREATE DATABASE IF NOT EXISTS " + LAKE + " COMMENT 'The offline store: every Delta table by name'");
        boolean added = false;
        for (OfflineStoreLayout.Table t : layout.tables()) {
            String location = t.location(root);
            if (tables.contains(t.name()) || !hasDeltaLog(location)) {
                continue;
            }
            session.sql("CREATE TABLE IF NOT EXISTS " + LAKE + "." + t.name() + " USING DELTA LOCATION '" + location.replace("'", "\\'") + "'");
            tables.add(t.name());
            if (Arrays.asList(session.table(LAKE + "." + t.name()).columns()).contains(ORG_COLUMN)) {
                orgTables.add(t.name());
            }
            added = true;
        }
        if (added) {
            orgsDone.clear(); // every org's database gets the new tables' views at its next login
        }
        return List.copyOf(tables);
    }

    /** Makes sure {@code orgId}'s database has a view of every registered org-scoped table; returns the database. */
    public synchronized String ensureOrg(String orgId) {
        refresh();
        String db = orgDatabase(orgId);
        if (orgsDone.contains(orgId)) {
            return db;
        }
        session.sql("CREATE DATABASE IF NOT EXISTS " + db + " COMMENT 'Views of org " + orgId.replace("'", "") + "'");
        String literal = "'" + orgId.replace("\\", "\\\\").replace("'", "\\'") + "'";
        for (String table : orgTables) {
            session.sql("CREATE OR REPLACE VIEW " + db + "." + table + " AS SELECT * FROM " + LAKE + "." + table
                    + " WHERE " + ORG_COLUMN + " = " + literal);
        }
        orgsDone.add(orgId);
        return db;
    }

    public synchronized List<String> orgScopedTables() {
        return new ArrayList<>(orgTables);
    }

    /**
     * Whether a table was written at {@code location} (a folder or an {@code s3a://} key prefix), asked first because
     * CREATE TABLE over a location without one would write an empty table there, in the store the batch jobs own. One
     * listing through the session's Hadoop filesystems: it runs for every table not landed yet at every login.
     */
    private boolean hasDeltaLog(String location) {
        Path log = new Path(location, "_delta_log");
        try {
            return log.getFileSystem(session.sessionState().newHadoopConf()).exists(log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for a Delta table at " + location, e);
        }
    }
}
