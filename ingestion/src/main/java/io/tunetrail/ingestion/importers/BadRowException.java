package io.tunetrail.ingestion.importers;

/**
 * One row cannot be used; the message says why in a few words ("artistID 99 is not in artists.dat").
 *
 * <p>Thrown by {@link Row}'s parsers and by importers, caught by {@link ImportRun}, which rejects the row. It is a
 * checked exception so no row handler forgets it, and it has no stack trace because it is control flow on bad data
 * (a file can have thousands).
 */
final class BadRowException extends Exception {
    BadRowException(String reason) {
        super(reason, null, false, false);
    }
}
