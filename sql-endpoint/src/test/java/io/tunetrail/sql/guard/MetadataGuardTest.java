package io.tunetrail.sql.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** JDBC schema patterns as the catalogue guard reads them: what an org-bound login's pattern may match. */
class MetadataGuardTest {
    @Test
    void wildcardsMatchAsJdbcSaysAndEscapesMatchOnlyThemselves() {
        assertThat(MetadataGuard.toRegex("org%").matcher("org_acme").matches()).isTrue();
        assertThat(MetadataGuard.toRegex("org_acm_").matcher("org_acme").matches()).isTrue();
        assertThat(MetadataGuard.toRegex("ORG\\_ACME").matcher("org_acme").matches()).as("case-blind, like the catalogue").isTrue();
        assertThat(MetadataGuard.toRegex("org\\_a\\_b").matcher("org_a1b").matches()).as("an escaped _ is no wildcard").isFalse();
        assertThat(MetadataGuard.toRegex("lake|org_acme").matcher("org_acme").matches()).as("| is no alternative here").isFalse();
        assertThat(MetadataGuard.toRegex("org.acme").matcher("org_acme").matches()).as("regex characters are literal").isFalse();
    }
}
