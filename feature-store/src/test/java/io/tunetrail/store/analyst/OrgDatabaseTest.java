package io.tunetrail.store.analyst;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrgDatabaseTest {
    @Test
    void aPlainIdKeepsItsNameAndAnyOtherGetsAHashSoTwoIdsNeverShareADatabase() {
        assertThat(OrgDatabase.of("acme")).isEqualTo("org_acme");
        assertThat(OrgDatabase.of("acme-music")).matches("org_acme_music_[0-9a-f]{8}");
        assertThat(OrgDatabase.of("acme_music")).isEqualTo("org_acme_music");
        assertThat(OrgDatabase.of("Acme")).matches("org_acme_[0-9a-f]{8}").isNotEqualTo(OrgDatabase.of("acme"));
        assertThat(OrgDatabase.of("x'; DROP")).matches("org_[a-z0-9_]+");
    }
}
