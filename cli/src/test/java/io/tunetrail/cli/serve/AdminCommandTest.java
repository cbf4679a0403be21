package io.tunetrail.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.Ids;
import org.junit.jupiter.api.Test;

class AdminCommandTest {
    @Test
    void orgIdsFromNamesAreValidIds() {
        assertThat(AdminCommand.slug("Acme Music")).isEqualTo("acme-music");
        assertThat(AdminCommand.slug("  Ünïcode & Co. 2026!! ")).isEqualTo("n-code-co-2026");
        assertThat(Ids.isValid(AdminCommand.slug("Acme Music"))).isTrue();
        assertThat(AdminCommand.slug("x".repeat(200))).hasSize(64);
    }
}
