package io.tunetrail.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.store.testing.FreshDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Migrations are numbered in ranges per part of the platform, so a release may bring one below the newest applied. */
class MigrationOrderIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    @Test
    void aMigrationBelowTheNewestAppliedOneIsAppliedNotRefused() throws SQLException {
        String lowest = query("SELECT max(version::int) FROM flyway_schema_history WHERE version::int < 10 AND success");
        String newest = query("SELECT max(version::int) FROM flyway_schema_history WHERE success");
        assertThat(Integer.parseInt(newest)).as("this test needs a migration above the shared range").isGreaterThan(Integer.parseInt(lowest));
        // As if the database had been migrated by a release without it (every shared-range migration is re-runnable).
        DB.execute("DELETE FROM flyway_schema_history WHERE version = '" + lowest + "'");

        assertThat(Database.migrate(DB.dataSource(), DB.config())).isEqualTo(1);
        assertThat(query("SELECT count(*) FROM flyway_schema_history WHERE version = '" + lowest + "' AND success")).isEqualTo("1");
    }

    private static String query(String sql) throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
