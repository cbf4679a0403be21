package io.tunetrail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void followsTheSchemasIdPattern() {
        assertThat(Ids.isValid("user@42")).isTrue();
        assertThat(Ids.isValid("t:1/a.b_c-d")).isTrue();
        assertThat(Ids.isValid("x".repeat(128))).isTrue();
        assertThat(Ids.isValid("x".repeat(129))).isFalse();
        assertThat(Ids.isValid("-leading")).isFalse();
        assertThat(Ids.isValid("a b")).isFalse();
        assertThat(Ids.isValid("a,b")).isFalse();
        assertThat(Ids.isValid("{a}")).isFalse();
        assertThat(Ids.isValid("")).isFalse();
        assertThat(Ids.isValid(null)).isFalse();
        assertThatThrownBy(() -> Ids.require("track id", "a b")).isInstanceOf(StoreException.class)
                .hasMessageContaining("track id 'a b' is not a valid id").hasMessageContaining("schemas/*.schema.json");
    }

    @Test
    void modelVersionsHaveNoColon() {
        assertThat(Ids.requireModelVersion("als-2026.11.22_1")).isEqualTo("als-2026.11.22_1");
        assertThatThrownBy(() -> Ids.requireModelVersion("als:1")).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> Ids.requireModelVersion(null)).isInstanceOf(StoreException.class);
    }
}
