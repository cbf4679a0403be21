package io.tunetrail.cli.stack;

import io.tunetrail.cli.CliError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One server process of the local stack (Kafka, PostgreSQL, Redis): where its files are, how to tell our process
 * from somebody else's, and the shared lifecycle (start once, health-check, stop with escalation).
 *
 * <p>"Ours" is decided from the process itself, not only from a pid file: a pid is ours when the process is alive
 * and its command line names this stack's files. That survives stale pid files and reused pids, and lets
 * {@link #stop} find a server whose pid file was lost.
 */
abstract class ManagedService {
    protected final StackLayout layout;
    protected final Consumer<String> progress;

    ManagedService(StackLayout layout, Consumer<String> progress) {
        this.layout = layout;
        this.progress = progress;
    }

    /** {@code kafka}, {@code postgres} or {@code redis}. */
    abstract String name();

    /** The address clients use. */
    abstract Endpoint endpoint();

    /** Every port this service binds (Kafka has two). */
    List<Endpoint> endpoints() {
        return List.of(endpoint());
    }

    Path logFile() {
        return layout.logs().resolve(name() + ".log");
    }

    /** The file the server's pid is recorded in. */
    abstract Path pidFile();

    /** The pid our pid file names, if any. */
    OptionalLong pidFromFile() {
        return readPid(pidFile());
    }

    /** True when {@code process} is this service's server for this home directory. */
    abstract boolean isOurs(ProcessHandle process);

    /** Fails with a {@link CliError} when a program the service needs is missing. */
    abstract void checkInstalled();

    /**
     * Starts the server, waits until it answers and prepares it for the platform (topics, database, migrations).
     * Called only when {@link #running()} is empty and the ports are free.
     */
    abstract void start(Duration timeout) throws Exception;

    /** A quick end-to-end probe: does the server answer a request? */
    abstract boolean answers();

    /** Asks the server to stop gracefully; {@link #stop} escalates when this does not finish in time. */
    abstract void requestStop(ProcessHandle server) throws Exception;

    /** The command that starts this service again, for error messages. */
    String startCommand() {
        return "tunetrail stack start";
    }

    /** How long a graceful stop may take before the process is killed. */
    Duration stopGrace() {
        return Duration.ofSeconds(20);
    }

    /** Our live server process, if any. */
    Optional<ProcessHandle> running() {
        OptionalLong pid = pidFromFile();
        if (pid.isPresent()) {
            Optional<ProcessHandle> p = ProcessHandle.of(pid.getAsLong()).filter(ProcessHandle::isAlive).filter(this::isOurs);
            if (p.isPresent()) {
                return p;
            }
        }
        return ProcessHandle.allProcesses().filter(this::isOurs).findFirst();
    }

    ServiceStatus status() {
        Optional<ProcessHandle> p = running();
        ServiceStatus.State state;
        if (p.isPresent()) {
            state = answers() ? ServiceStatus.State.RUNNING : ServiceStatus.State.NOT_RESPONDING;
        } else {
            state = endpoints().stream().allMatch(Endpoint::isFree) ? ServiceStatus.State.STOPPED : ServiceStatus.State.PORT_TAKEN;
        }
        OptionalLong pid = p.map(h -> OptionalLong.of(h.pid())).orElse(OptionalLong.empty());
        return new ServiceStatus(name(), endpoint().toString(), pid, state, logFile());
    }

    /**
     * Stops every process of ours (the server and what it forked), gracefully first, then by force after
     * {@link #stopGrace()}. Returns false when nothing was running.
     */
    boolean stop() throws Exception {
        Map<Long, ProcessHandle> ours = new LinkedHashMap<>();
        ProcessHandle.allProcesses().filter(this::isOurs).forEach(h -> ours.put(h.pid(), h));
        if (ours.isEmpty()) {
            cleanUpAfterStop();
            return false;
        }
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessHandle h : ours.values()) {
            all.add(h);
            h.descendants().forEach(all::add);
        }
        for (ProcessHandle h : ours.values()) {
            requestStop(h);
        }
        long deadline = System.nanoTime() + stopGrace().toNanos();
        for (ProcessHandle h : all) {
            awaitExit(h, deadline);
        }
        List<ProcessHandle> stubborn = all.stream().filter(ProcessHandle::isAlive).toList();
        if (!stubborn.isEmpty()) {
            progress.accept("  " + name() + ": did not stop within " + stopGrace().toSeconds() + " s, killing pid(s) "
                    + stubborn.stream().map(h -> String.valueOf(h.pid())).toList());
            stubborn.forEach(ProcessHandle::destroyForcibly);
            long killDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (ProcessHandle h : stubborn) {
                awaitExit(h, killDeadline);
            }
            List<Long> left = stubborn.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
            if (!left.isEmpty()) {
                throw CliError.failed("cannot stop " + name(), "pid(s) " + left + " survived SIGKILL",
                        "Check them with ps; they may be stuck in the kernel (disk or NFS)");
            }
        }
        cleanUpAfterStop();
        return true;
    }

    /** Once the process is gone, its pid file would name a dead pid, or one the system reuses for another process. */
    void cleanUpAfterStop() throws IOException {
        Files.deleteIfExists(pidFile());
    }

    private static void awaitExit(ProcessHandle h, long deadlineNanos) throws InterruptedException {
        while (h.isAlive() && System.nanoTime() < deadlineNanos) {
            Thread.sleep(50);
        }
    }

    /** Polls {@link #answers()} until true; fails early when {@code process} dies, naming the log file. */
    void awaitAnswering(Optional<ProcessHandle> process, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (answers()) {
                return;
            }
            if (process.isPresent() && !process.get().isAlive()) {
                throw CliError.failed(name() + " exited while starting", "see " + logFile() + lastLogLine(),
                        "Fix what the log says and run '" + startCommand() + "' again");
            }
            if (System.nanoTime() > deadline) {
                throw CliError.failed(name() + " did not answer on " + endpoint() + " within " + timeout.toSeconds() + " s",
                        "see " + logFile() + lastLogLine(), "Fix what the log says and run '" + startCommand() + "' again");
            }
            Thread.sleep(100);
        }
    }

    /**
     * The most telling recent line of the log for an error message that points there: the last error among the
     * last 60 lines (a Java stack trace ends in "at ..." lines, which say little), else the last line.
     */
    String lastLogLine() {
        try {
            if (!Files.exists(logFile())) {
                return "";
            }
            List<String> lines = Files.readAllLines(logFile(), java.nio.charset.StandardCharsets.ISO_8859_1);
            String last = null;
            for (int i = lines.size() - 1; i >= Math.max(0, lines.size() - 60); i--) {
                String l = lines.get(i).strip();
                if (l.isEmpty()) {
                    continue;
                }
                if (last == null) {
                    last = l;
                }
                if (l.matches(".*\\b(ERROR|FATAL|PANIC|Exception|Error|failed)\\b.*") && !l.startsWith("at ")) {
                    return " (" + abbreviate(l) + ")";
                }
            }
            return last == null ? "" : " (last line: " + abbreviate(last) + ")";
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    private static String abbreviate(String line) {
        return line.length() > 240 ? line.substring(0, 240) + "..." : line;
    }

    static OptionalLong readPid(Path file) {
        String text = Exec.readOrNull(file);
        if (text == null || text.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text.lines().findFirst().orElse("").trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The process's full command line, arguments joined by spaces; empty when the OS does not tell us. */
    static String commandLine(ProcessHandle p) {
        // /proc first: the JDK's Info drops arguments of long command lines (the broker's classpath) and reports
        // Redis, whose binary is a symlink that rewrites its title, as redis-check-rdb with no arguments.
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "cmdline"));
            if (raw.length > 0) {
                return new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').trim();
            }
        } catch (IOException | UncheckedIOException e) {
            // Not Linux, or the process is gone: fall through.
        }
        ProcessHandle.Info info = p.info();
        return info.commandLine().orElseGet(() -> info.command().orElse("") + " " + String.join(" ", info.arguments().orElse(new String[0])));
    }
}
