package io.tunetrail.sql.guard;

/**
 * A statement the SQL endpoint will not run for the session's account: says which relation or command, and why.
 * Thrown from Spark's analysis, so the engine answers it as the statement's error.
 */
public final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Refused(String message) {
        super("refused by the SQL endpoint: " + message);
    }
}
