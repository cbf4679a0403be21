package io.tunetrail.cli;

import io.tunetrail.store.StoreException;
import org.apache.kafka.common.KafkaException;

/**
 * The one error type the CLI shows to a person: what went wrong, why, and what to do, on one line, with an exit
 * code. Anything else that escapes a command is a bug and is printed with its stack trace.
 */
public final class CliError extends RuntimeException {
    /** A stage of the work failed (a test, an import, a service that would not start). */
    public static final int FAILED = 1;
    /** The command line was wrong (picocli's own code for usage errors). */
    public static final int USAGE = 2;
    /** The machine is not ready: a missing program, a taken port, no permission. */
    public static final int ENVIRONMENT = 3;
    /** A check ran and found differences (what {@code billing reconcile} compared does not agree). */
    public static final int DIFFERENCES = 4;

    private final int exitCode;

    private CliError(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** A failed stage: {@code what} failed because {@code why}; {@code fix} says what to do (may be null). */
    public static CliError failed(String what, String why, String fix) {
        return new CliError(FAILED, join(what, why, fix), null);
    }

    public static CliError failed(String what, String why, String fix, Throwable cause) {
        return new CliError(FAILED, join(what, why, fix), cause);
    }

    /** The machine is not ready for the command. */
    public static CliError environment(String what, String why, String fix) {
        return new CliError(ENVIRONMENT, join(what, why, fix), null);
    }

    /** A check that ran to the end and found {@code why} (differences) instead of agreement. */
    public static CliError differences(String what, String why, String fix) {
        return new CliError(DIFFERENCES, join(what, why, fix), null);
    }

    /** Arguments that parse but make no sense together. */
    public static CliError usage(String what, String fix) {
        return new CliError(USAGE, join(what, null, fix), null);
    }

    public int exitCode() {
        return exitCode;
    }

    /** The same error, with the larger task it happened in named first; the exit code is kept. */
    public CliError within(String task) {
        return new CliError(exitCode, task + ": " + getMessage(), this);
    }

    /**
     * The user-facing form of an exception from the modules the CLI drives, or null when it is not one they create
     * for people (then it is a bug). The modules speak in their own types: {@link StoreException} (by kind),
     * {@link IllegalArgumentException} for rejected arguments and configuration, and Kafka's client exceptions.
     */
    public static CliError explain(Throwable t) {
        if (t instanceof CliError e) {
            return e;
        }
        if (t instanceof StoreException e) {
            int code = e.kind() == StoreException.Kind.UNAVAILABLE ? ENVIRONMENT : FAILED;
            return new CliError(code, e.getMessage(), e);
        }
        if (t instanceof IllegalArgumentException e) {
            return new CliError(USAGE, e.getMessage(), e);
        }
        if (t instanceof KafkaException e) {
            return new CliError(ENVIRONMENT, join("Kafka failed", e.getMessage(),
                    "Check the broker with ./tunetrail stack status (logs in .tunetrail/logs/kafka.log)"), e);
        }
        return null;
    }

    private static String join(String what, String why, String fix) {
        StringBuilder sb = new StringBuilder(what);
        if (why != null && !why.isBlank()) {
            sb.append(": ").append(why);
        }
        if (fix != null && !fix.isBlank()) {
            // "what: why. Fix." reads as two sentences.
            sb.append(". ").append(Character.toUpperCase(fix.charAt(0))).append(fix.substring(1));
        }
        return sb.toString();
    }
}
