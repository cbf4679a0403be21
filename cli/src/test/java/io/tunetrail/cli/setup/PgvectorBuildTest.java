package io.tunetrail.cli.setup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgvectorBuildTest {
    @TempDir
    Path home;

    @Test
    void aptIsPointedAwayFromEverySystemSourceListAndCache() {
        List<String> opts = new PgvectorBuild(home, line -> {}).aptOptions();
        for (String key : List.of("Dir::Etc::SourceList=", "Dir::Etc::SourceParts=", "Dir::State::Lists=", "Dir::Cache=")) {
            assertThat(opts).as(key).anySatisfy(o -> assertThat(o).startsWith(key + home.resolve("setup")));
        }
        assertThat(String.join(" ", opts)).doesNotContain("/etc/apt", "/var/lib/apt", "/var/cache/apt");
    }

    @Test
    void manualCommandsBuildPortablyAgainstPostgres15() {
        String all = String.join("\n", PgvectorBuild.manualCommands());
        assertThat(all).contains("apt-get", "source pgvector", "with_llvm=no", "OPTFLAGS=\"\"", "/usr/lib/postgresql/15/bin/pg_config");
    }
}
