package io.tunetrail.store;

import io.tunetrail.model.PlatformConfig;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/**
 * The one error type of the feature store, and the one place its errors are made.
 *
 * <p>Every message says what went wrong, why, and what to do, so callers (the CLI, the API's error handler, a
 * Flink or Spark job's log) can show it as is. {@link #kind()} lets the API map an error to a status without
 * parsing the message: {@code INVALID} is the caller's input, {@code NOT_FOUND} names something the caller's org
 * does not have (another org's objects included: they are never revealed), {@code CONFLICT} contradicts stored data,
 * {@code UNAVAILABLE} is a server we could not reach or use.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure this is, for mapping to an HTTP status or an exit code. */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT, UNAVAILABLE }

    private final Kind kind;
    private final String server;

    private StoreException(Kind kind, String message, Throwable cause) {
        this(kind, null, message, cause);
    }

    private StoreException(Kind kind, String server, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.server = server;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * For {@code UNAVAILABLE}: the server that could not be used ({@code PostgreSQL}, {@code Redis}, {@code Kafka}), so
     * the API can say which one is down without parsing the message; null for the other kinds.
     */
    public String server() {
        return server;
    }

    // --- input -------------------------------------------------------------------------------------------------

    public static StoreException invalid(String what, String fix) {
        return new StoreException(Kind.INVALID, what + ". " + fix, null);
    }

    public static StoreException notFound(String what, String fix) {
        return new StoreException(Kind.NOT_FOUND, what + ". " + fix, null);
    }

    public static StoreException invalidId(String field, String value) {
        return invalid(field + " '" + value + "' is not a valid id",
                "Ids are 1..128 characters of A-Z a-z 0-9 . _ : @ / - and start with a letter or digit (schemas/*.schema.json)");
    }

    public static StoreException duplicateKey(String table, String key) {
        return invalid("the catalog lists " + table + " " + key + " more than once",
                "Each row must appear once per load; deduplicate the catalog before loading it");
    }

    public static StoreException wrongDimension(int expected, int actual, String what) {
        return invalid(what + " has " + actual + " dimensions but the store holds " + expected + "-dimensional embeddings",
                "Produce " + expected + "-dimensional vectors, or change " + PlatformConfig.EMBEDDING_DIMENSION.name() + " and migrate a new database");
    }

    // --- stored data ---------------------------------------------------------------------------------------------

    public static StoreException conflict(String what, String fix) {
        return new StoreException(Kind.CONFLICT, what + ". " + fix, null);
    }

    public static StoreException dimensionMismatch(int inDatabase, int configured) {
        return new StoreException(Kind.CONFLICT, "track_embeddings.embedding has " + inDatabase
                + " dimensions but configuration key " + PlatformConfig.EMBEDDING_DIMENSION.name() + " is " + configured
                + ": the column was created from the key when the database was first migrated and does not follow later changes. "
                + "Set " + PlatformConfig.EMBEDDING_DIMENSION.describe() + " back to " + inDatabase
                + ", or add a migration that alters the column and re-embed every track.", null);
    }

    public static StoreException rejectedByDatabase(String action, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String fix = switch (state) {
            case "23503" -> "A referenced row is missing (e.g. a track of an unknown artist or org, an embedding for a track "
                    + "not in the catalog): load the referenced rows first, in the same org";
            case "23514" -> "A value is outside its allowed range; the constraint named above says which column "
                    + "(ranges are in feature-store/src/main/resources/db/migration)";
            case "23505" -> "A row with the same key exists already";
            case "42P01", "42703" -> "The schema is older than this code: run the migrations (Database.migrate, or ./tunetrail stack start)";
            default -> "See the database's message above";
        };
        // A pool that timed out waiting for a connection reports no SQL state when no connection attempt failed yet;
        // its exception type still says the server could not be reached.
        boolean connection = e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || e instanceof SQLRecoverableException;
        Kind kind = connection || state.startsWith("08") || state.startsWith("57") || state.startsWith("53") ? Kind.UNAVAILABLE
                : state.startsWith("23") ? Kind.CONFLICT : Kind.INVALID;
        if (kind == Kind.UNAVAILABLE) {
            fix = "PostgreSQL is down, unreachable or out of resources: start the local stack (./tunetrail stack start) or "
                    + "check the postgres.* configuration keys (TUNETRAIL_POSTGRES_* environment variables)";
        }
        return new StoreException(kind, kind == Kind.UNAVAILABLE ? "PostgreSQL" : null,
                action + " failed: " + firstLine(e.getMessage()) + ". " + fix + ".", e);
    }

    // --- servers -------------------------------------------------------------------------------------------------

    public static StoreException unavailable(String server, String where, Throwable cause) {
        return new StoreException(Kind.UNAVAILABLE, server, server + " at " + where + " cannot be used: " + firstLine(cause.getMessage())
                + ". Start the local stack (./tunetrail stack start) or point the configuration at a running server "
                + "(TUNETRAIL_POSTGRES_* / TUNETRAIL_REDIS_* environment variables).", cause);
    }

    /** A server other than the local stack's (an S3 bucket, say): {@code fix} says what to check. */
    public static StoreException unavailable(String server, String where, Throwable cause, String fix) {
        return new StoreException(Kind.UNAVAILABLE, server, server + " at " + where + " cannot be used: " + firstLine(cause.getMessage())
                + ". " + fix + ".", cause);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
