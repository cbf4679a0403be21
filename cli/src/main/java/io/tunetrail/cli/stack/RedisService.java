package io.tunetrail.cli.stack;

import io.tunetrail.cli.CliError;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * The stack's Redis: {@code redis-server} daemonized on loopback with its config, data, pid file and log under the
 * home directory. A system Redis on 6379 is never looked at.
 */
final class RedisService extends ManagedService {

    RedisService(StackLayout layout, Consumer<String> progress) {
        super(layout, progress);
    }

    @Override
    String name() {
        return "redis";
    }

    @Override
    Endpoint endpoint() {
        return Endpoint.redis(layout.config());
    }

    Path configFile() {
        return layout.redis().resolve("redis.conf");
    }

    @Override
    Path pidFile() {
        return layout.redis().resolve("redis.pid");
    }

    @Override
    boolean isOurs(ProcessHandle p) {
        // The process title template below puts the config file's path into the command line.
        String cmd = commandLine(p);
        return cmd.contains("redis-server") && cmd.contains(configFile().toString());
    }

    @Override
    void checkInstalled() {
        if (Exec.which("redis-server") == null) {
            throw CliError.environment("redis-server is not installed", "it is not on the PATH",
                    "Run './tunetrail setup' (or apt-get install redis-server)");
        }
    }

    @Override
    void start(Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(layout.redis());
        Files.createDirectories(logFile().getParent());
        Files.deleteIfExists(pidFile());
        // Redis 7 started with appendonly yes and no AOF yet loads nothing, not even the snapshot: a stack whose data
        // dates from before AOF starts from the snapshot and switches AOF on while running (enableAppendOnly).
        boolean aofExists = Files.isDirectory(aofDir());
        Files.writeString(configFile(), config(aofExists));
        Exec.Result r = Exec.run(List.of("redis-server", configFile().toString()), layout.redis(), Map.of(), null,
                Duration.ofSeconds(30), line -> {});
        if (!r.ok()) {
            throw CliError.failed("redis-server did not start", "exit code " + r.exitCode() + ": " + r.tailText()
                    + "; see " + logFile() + lastLogLine(), "Fix what the log says and run 'tunetrail stack start' again");
        }
        // daemonize forks and the parent exits at once; the server itself answers a moment later.
        awaitAnswering(Optional.empty(), timeout);
        if (!aofExists) {
            enableAppendOnly(timeout);
        }
        progress.accept(String.format("  redis     up on %s (pid %s) in %.1f s", endpoint(),
                running().map(h -> String.valueOf(h.pid())).orElse("?"), (System.nanoTime() - t0) / 1e9));
    }

    /** Where Redis keeps its append-only files ({@code appenddirname} below). */
    Path aofDir() {
        return layout.redis().resolve("appendonlydir");
    }

    /** The config for a first start (no AOF yet) as {@link #start} writes it. */
    String config() {
        return config(Files.isDirectory(aofDir()));
    }

    String config(boolean aofExists) {
        Endpoint ep = endpoint();
        return String.join("\n",
                "# Written by 'tunetrail stack start' on every start; edit PlatformConfig keys, not this file.",
                "bind 127.0.0.1",
                "port " + ep.port(),
                "protected-mode yes",
                "daemonize yes",
                "supervised no",
                "pidfile " + quote(pidFile()),
                "logfile " + quote(logFile()),
                "dir " + quote(layout.redis()),
                // Redis 7 rewrites its process title; keeping the config path in it is how isOurs() knows the process.
                "proc-title-template \"{title} {listen-addr} {server-mode} {config-file}\"",
                // Snapshots keep the online store across restarts; it can always be rebuilt by materialisation.
                "save 3600 1 300 100 60 10000",
                // The quota counters and the usage ledger bill customers: every write reaches the append-only file
                // within a second, so a crash loses at most the last second, not everything since the last snapshot.
                "appendonly " + (aofExists ? "yes" : "no"),
                "appendfsync everysec",
                "appenddirname \"appendonlydir\"",
                // Past maxmemory Redis evicts only keys that carry a TTL (feature rows, idempotency marks); quota,
                // limiter, ledger and pointer keys have none (KeyFamily), so they are never evicted.
                "maxmemory " + layout.config().get(PlatformConfig.REDIS_MAXMEMORY),
                "maxmemory-policy volatile-lru",
                "databases 16",
                "");
    }

    /**
     * Switches AOF on in the running server (it writes the AOF from its memory, i.e. from the snapshot it loaded) and
     * waits until the rewrite is done, so that the next start, which finds the AOF, has everything in it.
     */
    private void enableAppendOnly(Duration timeout) throws InterruptedException {
        Endpoint ep = endpoint();
        try (Jedis jedis = new Jedis(ep.host(), ep.port(), 5_000)) {
            jedis.configSet("appendonly", "yes");
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String info = new String((byte[]) jedis.sendCommand(Protocol.Command.INFO, "persistence"),
                        java.nio.charset.StandardCharsets.UTF_8);
                if (info.contains("aof_enabled:1") && info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0")) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw CliError.failed("redis did not finish writing its append-only file within " + timeout.toSeconds() + " s",
                            "see " + logFile() + lastLogLine(), "Run 'tunetrail stack start' again once the disk has room");
                }
                Thread.sleep(100);
            }
        }
    }

    private static String quote(Path p) {
        return "\"" + p.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    boolean answers() {
        Endpoint ep = endpoint();
        try (Jedis jedis = new Jedis(ep.host(), ep.port(), 1_000)) {
            return "PONG".equals(jedis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    void requestStop(ProcessHandle server) {
        // SIGTERM: Redis saves its snapshot and exits.
        server.destroy();
    }

    @Override
    Duration stopGrace() {
        return Duration.ofSeconds(15);
    }
}
