package io.tunetrail.cli.stack;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.jobs.JobLauncher;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The SQL endpoint ({@code io.tunetrail.sql.SqlEndpointMain}) in the background, detached like the broker, from the
 * sql-endpoint module's jar and libraries (Spark never joins the CLI's classpath). Files under {@code <home>/sql},
 * log in {@code <home>/logs/sql.log}. Not part of {@code stack start}: {@code ./tunetrail sql serve} starts it.
 */
final class SqlEndpointService extends HomeAppService {
    static final String MAIN = "io.tunetrail.sql.SqlEndpointMain";

    SqlEndpointService(StackLayout layout, Consumer<String> progress, Path root) {
        super(layout, progress, classpath(root), "sql");
    }

    /** The endpoint's classpath: {@code sql-endpoint/target/tunetrail-sql-endpoint.jar} and {@code target/lib/*}. */
    static String classpath(Path root) {
        Path target = root.resolve("sql-endpoint").resolve("target");
        return target.resolve("tunetrail-sql-endpoint.jar") + ":" + target.resolve("lib") + "/*";
    }

    static void requireBuilt(Path root) {
        Path target = root.resolve("sql-endpoint").resolve("target");
        if (!Files.isRegularFile(target.resolve("tunetrail-sql-endpoint.jar")) || !Files.isDirectory(target.resolve("lib"))) {
            throw CliError.environment("the SQL endpoint is not built", target + " has no tunetrail-sql-endpoint.jar and lib/",
                    "Run ./tunetrail setup, or ./mvnw -DskipTests package -pl sql-endpoint -am");
        }
    }

    @Override
    String mainClass() {
        return MAIN;
    }

    @Override
    Endpoint endpoint() {
        return Endpoint.sql(layout.config());
    }

    @Override
    String shownAddress() {
        return "jdbc:hive2://" + endpoint() + "/default";
    }

    @Override
    void checkInstalled() {
        // The jar is checked by the caller, which knows the repository root.
    }

    @Override
    void start(Duration timeout) throws Exception {
        Map<String, String> env = new HashMap<>(layout.config().asEnv());
        // Spark takes its own address from SPARK_LOCAL_IP; without it a host name resolving to loopback makes it pick
        // another interface's address (STACK.md "SQL endpoint").
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + layout.config().get(PlatformConfig.SQL_MEMORY), marker()));
        jvm.addAll(JobLauncher.sparkJvmFlags());
        launch(dir(), jvm, List.of(), env, timeout, () -> "");
    }

    @Override
    boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(endpoint().host(), endpoint().port()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
