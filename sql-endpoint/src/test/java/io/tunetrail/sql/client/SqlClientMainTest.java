package io.tunetrail.sql.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.PlatformConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlClientMainTest {

    static int run(ByteArrayOutputStream err, String password, String... args) {
        PlatformConfig config = PlatformConfig.load(Map.of(), Map.of(PlatformConfig.SQL_PORT.name(), "1"));
        return SqlClientMain.run(args, password, config, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void badUsageExitsTwoWithOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(err, "pw", "-e", "SELECT 1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("sql: needs --user").hasLineCount(1);
        err.reset();
        assertThat(run(err, "pw", "--user", "ana", "-e", "SELECT 1", "--format", "xml")).isEqualTo(2);
        err.reset();
        assertThat(run(err, null, "--user", "ana", "-e", "SELECT 1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("TUNETRAIL_SQL_PASSWORD");
    }

    @Test
    void anEndpointThatIsNotRunningExitsThreeSayingHowToStartIt() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(err, "pw", "--user", "ana", "-e", "SELECT 1")).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("./tunetrail sql serve");
    }

    @Test
    void theEnginesMessageKeepsItsPositionAndLosesTheServersStack() {
        String raw = "org.apache.hive.service.cli.HiveSQLException: Error running query: [PARSE_SYNTAX_ERROR] Syntax error at or near "
                + "'SELEC'.(line 1, pos 0)\n\n== SQL ==\nSELEC 1\n^^^\n\n\tat org.apache.spark.Foo.bar(Foo.scala:1)\n\tat x.y";
        assertThat(SqlClientMain.engineMessage(raw))
                .isEqualTo("[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'.(line 1, pos 0) == SQL == SELEC 1 ^^^");
    }

    @Test
    void aRefusedLoginSaysWhatToCheck() {
        assertThat(SqlClientMain.loginReason("Could not open client transport: Peer indicated failure: Error validating the login"))
                .contains("wrong user name or password").contains("sql.log");
    }
}
