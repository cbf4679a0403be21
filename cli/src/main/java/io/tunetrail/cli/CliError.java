package io.tunetrail.cli;

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

    /** Arguments that parse but make no sense together. */
    public static CliError usage(String what, String fix) {
        return new CliError(USAGE, join(what, null, fix), null);
    }

    public int exitCode() {
        return exitCode;
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
