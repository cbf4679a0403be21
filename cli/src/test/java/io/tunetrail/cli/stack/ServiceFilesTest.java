package io.tunetrail.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.cli.CliError;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files the services are started with: everything under the home, on the configured ports. */
class ServiceFilesTest {
    @TempDir
    Path tmp;

    @Test
    void redisConfigKeepsEverythingUnderTheHomeOnLoopback() throws Exception {
        PlatformConfig config = StackTestSupport.config(tmp);
        RedisService redis = new RedisService(StackLayout.of(config), line -> {});
        String conf = redis.config();
        assertThat(conf).contains("port " + config.getInt(PlatformConfig.REDIS_PORT) + "\n", "bind 127.0.0.1\n", "daemonize yes\n");
        assertThat(conf).contains("dir \"" + tmp.resolve("redis") + "\"", "pidfile \"" + tmp.resolve("redis/redis.pid") + "\"",
                "logfile \"" + tmp.resolve("logs/redis.log") + "\"");
        // isOurs() depends on the config path showing in the process title.
        assertThat(conf).contains("{config-file}");
    }

    @Test
    void redisEvictsOnlyKeysWithATtlPastItsMemoryAndLogsEveryWriteWithinASecond() throws Exception {
        PlatformConfig config = StackTestSupport.config(tmp);
        RedisService redis = new RedisService(StackLayout.of(config), line -> {});
        assertThat(redis.config(true)).contains("maxmemory 512mb\n", "maxmemory-policy volatile-lru\n", "appendonly yes\n",
                "appendfsync everysec\n", "appenddirname \"appendonlydir\"\n");
        // Without an AOF yet, Redis would start empty with appendonly yes: it starts from the snapshot and switches AOF on.
        assertThat(redis.config(false)).contains("appendonly no\n", "appendfsync everysec\n");
    }

    @Test
    void postgresSettingsUseTheConfiguredPortAndAPrivateSocketDirectory() throws Exception {
        PlatformConfig config = StackTestSupport.config(tmp);
        String settings = new PostgresService(StackLayout.of(config), line -> {}).serverSettings();
        assertThat(settings).contains("port = " + config.getInt(PlatformConfig.POSTGRES_PORT) + "\n",
                "listen_addresses = '127.0.0.1'", "unix_socket_directories = '" + tmp.resolve("postgres/run") + "'",
                "unix_socket_permissions = 0700", "shared_buffers = 128MB");
    }

    @Test
    void sqlQuotingDoublesQuotes() {
        assertThat(PostgresService.literal("it's")).isEqualTo("'it''s'");
        assertThat(PostgresService.ident("a\"b")).isEqualTo("\"a\"\"b\"");
    }

    @Test
    void aHomeTooDeepForAUnixSocketIsRefusedWithTheKeyToChange() throws Exception {
        // Reachable by the postgres user, so the cluster stays under the home (see the relocation test below).
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path deep = tmp.resolve("x".repeat(60)).resolve("y".repeat(60));
        PostgresService pg = new PostgresService(StackLayout.of(StackTestSupport.config(deep)), line -> {});
        assertThatThrownBy(pg::checkSocketPath).isInstanceOf(CliError.class).hasMessageContaining("TUNETRAIL_HOME")
                .satisfies(e -> assertThat(((CliError) e).exitCode()).isEqualTo(CliError.ENVIRONMENT));
    }

    @Test
    void onlyTheClusterMovesWhenThePostgresUserCannotReachTheHome() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
        Path home = tmp.resolve("repo").resolve(".tunetrail");
        StackLayout layout = StackLayout.of(StackTestSupport.config(home));
        // Only root runs PostgreSQL as another user; anyone else owns their cluster wherever it is.
        assertThat(layout.postgresRelocated()).isEqualTo(Exec.isRoot());
        if (Exec.isRoot()) {
            assertThat(layout.postgres().startsWith(StackLayout.RELOCATED_POSTGRES_ROOT)).as(layout.postgres().toString()).isTrue();
            assertThat(layout.postgresLog().startsWith(layout.postgres())).isTrue();
            assertThat(StackLayout.of(StackTestSupport.config(home)).postgres()).as("found again from the home").isEqualTo(layout.postgres());
            assertThat(StackLayout.of(StackTestSupport.config(tmp.resolve("other"))).postgres()).isNotEqualTo(layout.postgres());
        }
        assertThat(layout.kafka().startsWith(home)).isTrue();
        assertThat(layout.redis().startsWith(home)).isTrue();

        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(StackLayout.of(StackTestSupport.config(home)).postgres()).isEqualTo(home.resolve("postgres"));
    }

    @Test
    void ourOwnProcessIsNeverMistakenForAServer() throws Exception {
        StackLayout layout = StackLayout.of(StackTestSupport.config(tmp));
        ProcessHandle self = ProcessHandle.current();
        assertThat(ManagedService.commandLine(self)).contains("java");
        assertThat(new KafkaService(layout, line -> {}, "").isOurs(self)).isFalse();
        assertThat(new PostgresService(layout, line -> {}).isOurs(self)).isFalse();
        assertThat(new RedisService(layout, line -> {}).isOurs(self)).isFalse();
    }
}
