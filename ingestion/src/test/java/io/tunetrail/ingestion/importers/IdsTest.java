package io.tunetrail.ingestion.importers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void slugsAreLowerCaseAsciiJoinedByDashes() {
        assertThat(Ids.slug("Beyoncé & Jay-Z")).isEqualTo("beyonce-jay-z");
        assertThat(Ids.slug("  (no genres listed) ")).isEqualTo("no-genres-listed");
        assertThat(Ids.slug("米津玄師")).isEmpty();
        assertThat(Ids.slug("a".repeat(100))).hasSize(40);
    }

    @Test
    void hashedIdsAreValidForAnyNameAndDependOnTheExactName() {
        for (String name : new String[] {"Queen", "queen", "米津玄師", "-", "x".repeat(500), "AC/DC", "\t"}) {
            String id = Ids.hashed("sp-ar-", name);
            assertThat(Ids.isValid(id)).as(id).isTrue();
            assertThat(Ids.hashed("sp-ar-", name)).isEqualTo(id);
        }
        assertThat(Ids.hashed("sp-ar-", "Queen")).isNotEqualTo(Ids.hashed("sp-ar-", "queen"));
    }

    @Test
    void namedIdsKeepSluggedNamesApart() {
        NamedIds ids = new NamedIds("sp-g-");
        assertThat(ids.idFor("hip hop")).isEqualTo("sp-g-hip-hop");
        assertThat(ids.idFor("hip-hop")).startsWith("sp-g-hip-hop-").isNotEqualTo("sp-g-hip-hop");
        assertThat(ids.idFor("hip hop")).isEqualTo("sp-g-hip-hop");
        assertThat(ids.idFor("ラップ")).matches("sp-g-[0-9a-f]{12}");
    }

    @Test
    void validityFollowsTheSchemaPattern() {
        assertThat(Ids.isValid("lfm-u2")).isTrue();
        assertThat(Ids.isValid("a".repeat(128))).isTrue();
        assertThat(Ids.isValid("a".repeat(129))).isFalse();
        assertThat(Ids.isValid("-x")).isFalse();
        assertThat(Ids.isValid("a b")).isFalse();
        assertThat(Ids.isValid("")).isFalse();
    }
}
