package io.tunetrail.cli.stack;

import io.tunetrail.cli.CliError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;

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
        Files.deleteIfExists(pidFile());
        Files.writeString(configFile(), config());
        Exec.Result r = Exec.run(List.of("redis-server", configFile().toString()), layout.redis(), Map.of(), null,
                Duration.ofSeconds(30), line -> {});
        if (!r.ok()) {
            throw CliError.failed("redis-server did not start", "exit code " + r.exitCode() + ": " + r.tailText()
                    + "; see " + logFile() + lastLogLine(), "Fix what the log says and run 'tunetrail stack start' again");
        }
        // daemonize forks and the parent exits at once; the server itself answers a moment later.
        awaitAnswering(Optional.empty(), timeout);
        progress.accept(String.format("  redis     up on %s (pid %s) in %.1f s", endpoint(),
                running().map(h -> String.valueOf(h.pid())).orElse("?"), (System.nanoTime() - t0) / 1e9));
    }

    String config() {
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
                "appendonly no",
                "databases 16",
                "");
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
