package io.tunetrail.cli.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs external programs (apt-get, make, pg_ctl, psql, redis-server) to completion, feeding their merged output line
 * by line to a sink and keeping the last lines for error messages.
 *
 * <p>Output is read on a thread of its own so a timeout still applies when a program stops writing; and a program
 * that leaves a daemon behind holding the pipe (a forking server) does not keep the caller waiting once the program
 * itself has exited.
 */
public final class Exec {
    private static final int TAIL_LINES = 25;

    /** How a program ended: its exit code and its last lines of output. */
    public record Result(int exitCode, List<String> tail) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The last lines as one line, for an error message. */
        public String tailText() {
            return tail.isEmpty() ? "(no output)" : String.join(" | ", tail.subList(Math.max(0, tail.size() - 6), tail.size()));
        }
    }

    private Exec() {}

    /** Runs {@code command} in {@code dir} with extra environment {@code env}; output lines go to {@code lines}. */
    public static Result run(List<String> command, Path dir, Map<String, String> env, String stdin, Duration timeout,
            Consumer<String> lines) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().putAll(env);
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(127, List.of("cannot run " + command.get(0) + ": " + e.getMessage()));
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> pump(p, tail, lines), "exec-" + Path.of(command.get(0)).getFileName());
        reader.setDaemon(true);
        reader.start();
        try {
            if (stdin != null) {
                try (Writer w = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
                    w.write(stdin);
                } catch (IOException e) {
                    // The program closed its input early (e.g. psql could not connect): its exit code and output
                    // say why, so wait for them like for any other run.
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                synchronized (tail) {
                    tail.add("timed out after " + timeout.toSeconds() + " s");
                    return new Result(124, List.copyOf(tail));
                }
            }
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
        synchronized (tail) {
            return new Result(p.exitValue(), List.copyOf(tail));
        }
    }

    /** Runs a short command quietly, with a one-minute limit. */
    public static Result run(List<String> command) {
        return run(command, null, Map.of(), null, Duration.ofMinutes(1), line -> {});
    }

    private static void pump(Process p, Deque<String> tail, Consumer<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (tail) {
                    tail.add(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
                lines.accept(line);
            }
        } catch (IOException e) {
            // The stream closes when the process is killed; the exit code tells the story.
        }
    }

    /** The absolute path of {@code program} on the PATH, or null. */
    public static Path which(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        List<String> dirs = new ArrayList<>(List.of(path.split(":")));
        // runuser and friends live in sbin, which a non-login root shell may not have on its PATH.
        dirs.addAll(List.of("/usr/sbin", "/sbin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(d, program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** True when this process runs as root (the owner of {@code /proc/self} is our effective user). */
    public static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Reads a small text file, or returns null when it does not exist. */
    public static String readOrNull(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
