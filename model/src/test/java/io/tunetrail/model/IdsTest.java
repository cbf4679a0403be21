package io.tunetrail.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void theRuleAdmitsIdsOfEveryShapeWeUse() {
        assertThat(Ids.isValid("riverbeat")).isTrue();
        assertThat(Ids.isValid("sp-6f807x0ima9a1j3VPbc7VN")).isTrue();
        assertThat(Ids.isValid("ml-r-1-31-1260759144")).isTrue();
        assertThat(Ids.isValid("user@example.com/device:1")).isTrue();
        assertThat(Ids.isValid("a".repeat(Ids.MAX_LENGTH))).isTrue();
    }

    @Test
    void theRuleRefusesWhatWouldBreakKeysOrUrls() {
        assertThat(Ids.isValid(null)).isFalse();
        assertThat(Ids.isValid("")).isFalse();
        assertThat(Ids.isValid("-leading-dash")).isFalse();
        assertThat(Ids.isValid("has space")).isFalse();
        assertThat(Ids.isValid("{org}")).isFalse();
        assertThat(Ids.isValid("a,b")).isFalse();
        assertThat(Ids.isValid("a".repeat(Ids.MAX_LENGTH + 1))).isFalse();
    }

    @Test
    void theCharacterCheckAgreesWithThePatternOnEveryCharacterAndPosition() {
        // Every ASCII character and a few beyond it, first and later in an id: the two places the rule differs.
        for (char c = 0; c < 0x250; c++) {
            for (String id : new String[] {c + "abc", "abc" + c, "a" + c + "b", String.valueOf(c)}) {
                assertThat(Ids.isValid(id)).as("id %s (char %d)", id, (int) c).isEqualTo(Ids.matchesPattern(id));
            }
        }
        java.util.Random random = new java.util.Random(42);
        String alphabet = "aZ09._:@/-{} ,\u00e9\n";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder id = new StringBuilder();
            int length = random.nextInt(Ids.MAX_LENGTH + 3);
            for (int i = 0; i < length; i++) {
                id.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertThat(Ids.isValid(id.toString())).as(id.toString()).isEqualTo(Ids.matchesPattern(id.toString()));
        }
    }

    @Test
    void everyEventSchemaCarriesTheSameRule() throws Exception {
        for (String schema : new String[] {"interaction.schema.json", "usage.schema.json"}) {
            JsonNode id = new ObjectMapper().readTree(Path.of("..", "schemas", schema).toFile()).path("$defs").path("id");
            assertThat(id.path("pattern").asText()).as(schema).isEqualTo(Ids.PATTERN);
            assertThat(id.path("maxLength").asInt()).as(schema).isEqualTo(Ids.MAX_LENGTH);
            assertThat(id.path("minLength").asInt()).as(schema).isEqualTo(1);
        }
    }
}
