package io.tunetrail.sql.guard;

/**
 * A statement the SQL endpoint will not run for the session's account: says which relation or command, and why.
 * Thrown from Spark's analysis, so the engine answers it as the statement's error.
 */
public final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** How every refusal's message begins (the audit tells refusals from failures by it). */
    public static final String PREFIX = "refused by the SQL endpoint: ";

    public Refused(String message) {
        super(PREFIX + message);
    }
}
