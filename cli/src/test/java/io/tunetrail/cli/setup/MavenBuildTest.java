package io.tunetrail.cli.setup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staleness rule that decides whether setup runs the Maven build. */
class MavenBuildTest {
    @TempDir
    Path repo;

    private Path home;
    private MavenBuild build;
    private final Instant built = Instant.parse("2026-01-01T00:00:00Z");

    @BeforeEach
    void repository() throws Exception {
        home = repo.resolve(".tunetrail");
        write("pom.xml", built.minusSeconds(60));
        write("model/pom.xml", built.minusSeconds(60));
        write("model/src/main/java/A.java", built.minusSeconds(60));
        build = new MavenBuild(repo, home, line -> {});
    }

    private Path write(String relative, Instant mtime) throws Exception {
        Path p = repo.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, relative);
        Files.setLastModifiedTime(p, FileTime.from(mtime));
        return p;
    }

    private void stamp() throws Exception {
        Files.createDirectories(home);
        Path stamp = Files.writeString(home.resolve("build.stamp"), "x");
        Files.setLastModifiedTime(stamp, FileTime.from(built));
    }

    @Test
    void withoutAStampEverythingIsStale() {
        assertThat(build.newerInput()).isPresent();
    }

    @Test
    void olderSourcesNeedNoBuild() throws Exception {
        stamp();
        assertThat(build.newerInput()).isEmpty();
    }

    @Test
    void aNewerSourceFileNeedsABuild() throws Exception {
        stamp();
        Path changed = write("model/src/main/java/A.java", built.plusSeconds(1));
        assertThat(build.newerInput()).contains(changed);
    }

    @Test
    void outputsDocsAndTheHomeDoNotCount() throws Exception {
        stamp();
        write("model/target/classes/A.class", built.plusSeconds(5));
        write("README.md", built.plusSeconds(5));
        write(".tunetrail/logs/kafka.log", built.plusSeconds(5));
        write(".git/index", built.plusSeconds(5));
        assertThat(build.newerInput()).isEmpty();
    }

    @Test
    void sharedSchemasAndConfigCount() throws Exception {
        stamp();
        Path schema = write("schemas/interaction.schema.json", built.plusSeconds(5));
        assertThat(build.newerInput()).contains(schema);
    }
}
