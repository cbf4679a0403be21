package io.tunetrail.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OfflineStoreLayoutTest {
    private final OfflineStoreLayout layout = OfflineStoreLayout.load();

    @Test
    void everyOrgScopedTableIsPartitionedByOrgFirst() {
        assertThat(layout.tables()).isNotEmpty();
        layout.tables().stream()
                // The two tables without org_id: refused records, and revenue summed over every org of a plan.
                .filter(t -> !t.name().equals("dead_letters") && !t.name().equals("mart_revenue_monthly"))
                .forEach(t -> assertThat(t.partitionBy()).as(t.name()).first().isEqualTo("org_id"));
    }

    @Test
    void locationsJoinTheRootOnce() {
        assertThat(layout.table("interactions").location("s3a://lake/")).isEqualTo("s3a://lake/raw/interactions");
        assertThat(layout.table("sessions").location("/data/lake")).isEqualTo("/data/lake/features/sessions");
        assertThat(layout.tables()).extracting(OfflineStoreLayout.Table::path).doesNotHaveDuplicates();
    }

    @Test
    void unknownTableListsTheKnownOnes() {
        assertThatThrownBy(() -> layout.table("plays")).hasMessageContaining("interactions");
    }
}
