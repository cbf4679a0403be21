package io.tunetrail.store.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.usage.UsageLedgerRow.Period;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class UsageLedgerStoreIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private static final LocalDate DAY = LocalDate.parse("2026-03-02");
    private static final LocalDate MONTH = LocalDate.parse("2026-03-01");

    private UsageLedgerStore store;
    private String org;
    private String key;

    @BeforeEach
    void orgWithAKey() throws SQLException {
        store = new UsageLedgerStore(DB.dataSource());
        org = DB.newOrg("pro");
        key = "key-" + org;
        DB.execute("INSERT INTO api_keys (org_id, key_id, name, key_hash, key_prefix) VALUES ('" + org + "', '" + key
                + "', 'k', encode(sha256('" + key + "'::bytea), 'hex'), 'tt_abcd')");
    }

    @Test
    void writesAbsoluteTotalsSoARewriteChangesOnlyWhatDiffers() throws SQLException {
        List<UsageLedgerRow> rows = List.of(
                new UsageLedgerRow(org, key, "api_calls", Period.DAY, DAY, 40),
                new UsageLedgerRow(org, null, "interactions", Period.DAY, DAY, 900),
                new UsageLedgerRow(org, key, "api_calls", Period.MONTH, MONTH, 75),
                new UsageLedgerRow(org, null, "interactions", Period.MONTH, MONTH, 1_500));
        assertThat(store.write(rows)).isEqualTo(new UsageLedgerStore.Written(4, 0, 0, List.of()));
        assertThat(store.write(rows)).as("the same totals again").isEqualTo(new UsageLedgerStore.Written(0, 4, 0, List.of()));

        // A recomputed day replaces its row (keyless usage too: the unique index treats null keys as one value).
        UsageLedgerStore.Written recomputed = store.write(List.of(
                new UsageLedgerRow(org, null, "interactions", Period.DAY, DAY, 950),
                new UsageLedgerRow(org, key, "api_calls", Period.DAY, DAY, 40)));
        assertThat(recomputed.changed()).isEqualTo(1);
        assertThat(recomputed.unchanged()).isEqualTo(1);
        assertThat(ledger()).containsExactly(
                "api_calls day 2026-03-02 " + key + " 40",
                "api_calls month 2026-03-01 " + key + " 75",
                "interactions day 2026-03-02 - 950",
                "interactions month 2026-03-01 - 1500");
    }

    @Test
    void rowsOfUnknownOrgsOrOfAnotherOrgsKeyAreCountedNotWritten() throws SQLException {
        String other = DB.newOrg("starter");
        UsageLedgerStore.Written written = store.write(List.of(
                new UsageLedgerRow(org, key, "api_calls", Period.DAY, DAY, 3),
                new UsageLedgerRow("org-gone", null, "api_calls", Period.DAY, DAY, 5),
                new UsageLedgerRow(other, key, "api_calls", Period.DAY, DAY, 7),
                new UsageLedgerRow(org, "key-never-issued", "api_calls", Period.DAY, DAY, 9)));
        assertThat(written.changed()).isEqualTo(1);
        assertThat(written.unknownOrgOrKey()).isEqualTo(3);
        assertThat(written.unknownExamples()).hasSize(3).anyMatch(e -> e.contains("org-gone"))
                .anyMatch(e -> e.contains(other + " key " + key)).anyMatch(e -> e.contains("key-never-issued"));
        assertThat(ledger()).containsExactly("api_calls day 2026-03-02 " + key + " 3");
    }

    @Test
    void theConsolesUsageIsBilledAsTheOrgsKeylessUsage() throws SQLException {
        // The console has no API key: its usage arrives as key "console", which no api_keys row backs.
        UsageLedgerStore.Written written = store.write(List.of(
                new UsageLedgerRow(org, io.tunetrail.model.UsageEvent.CONSOLE_KEY_ID, "audio_analysis", Period.DAY, DAY, 2),
                new UsageLedgerRow(org, io.tunetrail.model.UsageEvent.CONSOLE_KEY_ID, "model_training", Period.MONTH, MONTH, 1),
                new UsageLedgerRow(org, null, "model_training", Period.MONTH, MONTH, 3),
                new UsageLedgerRow(org, key, "audio_analysis", Period.DAY, DAY, 5)));
        assertThat(written).isEqualTo(new UsageLedgerStore.Written(3, 0, 0, List.of()));
        assertThat(ledger()).containsExactlyInAnyOrder(
                "audio_analysis day 2026-03-02 - 2",
                "audio_analysis day 2026-03-02 " + key + " 5",
                "model_training month 2026-03-01 - 4");
        assertThat(store.write(List.of(new UsageLedgerRow(org, io.tunetrail.model.UsageEvent.CONSOLE_KEY_ID, "audio_analysis", Period.DAY, DAY, 2))))
                .as("the same total again").isEqualTo(new UsageLedgerStore.Written(0, 1, 0, List.of()));
    }

    private List<String> ledger() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DB.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT resource, period, period_start, coalesce(api_key_id, '-'), units FROM usage_ledger "
                        + "WHERE org_id = '" + org + "' ORDER BY 1, 2, 3")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getDate(3) + " " + rs.getString(4) + " " + rs.getLong(5));
            }
        }
        return out;
    }
}
