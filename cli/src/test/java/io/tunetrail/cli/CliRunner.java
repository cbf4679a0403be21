package io.tunetrail.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs the CLI in-process for tests, as {@code ./tunetrail} would, with its output captured. */
final class CliRunner {
    private CliRunner() {}

    /** Runs a command line; returns {exit code, stdout+stderr}. */
    static Object[] run(String... args) {
        CommandLine cli = TunetrailCli.newCommandLine();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintWriter writer = new PrintWriter(buffer, true, StandardCharsets.UTF_8);
        cli.setOut(writer);
        cli.setErr(writer);
        int exit = cli.execute(args);
        writer.flush();
        return new Object[] {exit, buffer.toString(StandardCharsets.UTF_8)};
    }
}
