package io.tunetrail.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.store.testing.FreshDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migrations are numbered in ranges per part of the platform (V1-9 shared, ..., V40-49 API), so a release may bring one
 * below the newest applied. Shown on migrations of the test's own, so the rule is checked whatever the real ones are.
 */
class MigrationOrderIT {
    @RegisterExtension
    static final FreshDatabase DB = FreshDatabase.unmigrated();

    @TempDir
    Path dir;

    @Test
    void aMigrationBelowTheNewestAppliedOneIsAppliedNotRefused() throws IOException, SQLException {
        Path older = Files.createDirectories(dir.resolve("older"));
        Files.writeString(older.resolve("V1__shared.sql"), "CREATE TABLE shared_one (x int);");
        Files.writeString(older.resolve("V41__api.sql"), "CREATE TABLE api_one (x int);");
        Path newer = Files.createDirectories(dir.resolve("newer"));
        for (Path p : new Path[] {older.resolve("V1__shared.sql"), older.resolve("V41__api.sql")}) {
            Files.copy(p, newer.resolve(p.getFileName()));
        }
        Files.writeString(newer.resolve("V7__shared_later.sql"), "CREATE TABLE shared_later (x int);");

        assertThat(Database.migrate(DB.dataSource(), DB.config(), "filesystem:" + older)).isEqualTo(2);
        assertThat(Database.migrate(DB.dataSource(), DB.config(), "filesystem:" + newer)).as("V7 after V41").isEqualTo(1);
        assertThat(Database.migrate(DB.dataSource(), DB.config(), "filesystem:" + newer)).isZero();
        assertThat(query("SELECT to_regclass('shared_later') IS NOT NULL")).isEqualTo("t");
    }

    private static String query(String sql) throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
