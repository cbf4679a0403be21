package io.tunetrail.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlatformConfigTest {

    @Test
    void shippedSampleListsEveryKeyWithItsDefault() {
        Map<String, String> sample = PlatformConfig.readFile(Path.of("..", "config", "tunetrail.sample.properties"));
        Map<String, String> defaults = PlatformConfig.keys().stream()
                .collect(Collectors.toMap(PlatformConfig.Key::name, PlatformConfig.Key::defaultValue));
        assertThat(sample).isEqualTo(defaults);
    }

    @Test
    void layersAreDefaultsThenFileThenEnvThenOverrides(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve("tunetrail.properties"), "redis.port=20000\npostgres.port=20001\napi.port=20002\n");
        PlatformConfig config = PlatformConfig.load(
                Map.of("TUNETRAIL_HOME", home.toString(), "TUNETRAIL_POSTGRES_PORT", "21001", "TUNETRAIL_API_PORT", "21002"),
                Map.of("api.port", "22002"));
        assertThat(config.getInt(PlatformConfig.KAFKA_CONTROLLER_PORT)).isEqualTo(19093);
        assertThat(config.getInt(PlatformConfig.REDIS_PORT)).isEqualTo(20000);
        assertThat(config.getInt(PlatformConfig.POSTGRES_PORT)).isEqualTo(21001);
        assertThat(config.getInt(PlatformConfig.API_PORT)).isEqualTo(22002);
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:21001/tunetrail");
        assertThat(config.offlineStore()).isEqualTo(home.toAbsolutePath().resolve("lake"));
    }

    @Test
    void envVarNamesFollowTheKey() {
        assertThat(PlatformConfig.KAFKA_BOOTSTRAP.envVar()).isEqualTo("TUNETRAIL_KAFKA_BOOTSTRAP_SERVERS");
        assertThat(PlatformConfig.TOPIC_DEAD_LETTER.envVar()).isEqualTo("TUNETRAIL_KAFKA_TOPIC_DEAD_LETTER");
    }

    @Test
    void badValuesAndUnknownKeysFailNamingTheKey(@TempDir Path home) throws Exception {
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("TUNETRAIL_HOME", home.toString(), "TUNETRAIL_REDIS_PORT", "six"), Map.of()))
                .hasMessageContaining("redis.port").hasMessageContaining("TUNETRAIL_REDIS_PORT").hasMessageContaining("six");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("TUNETRAIL_HOME", home.toString(), "TUNETRAIL_API_PORT", "70000"), Map.of()))
                .hasMessageContaining("api.port");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("TUNETRAIL_HOME", home.toString(), "TUNETRAIL_API_CANARY_MIN_JUDGEMENTS", "0"),
                Map.of())).hasMessageContaining("api.canary.min-judgements").hasMessageContaining("at least 1");
        Files.writeString(home.resolve("tunetrail.properties"), "redis.prot=1\n");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("TUNETRAIL_HOME", home.toString()), Map.of()))
                .hasMessageContaining("redis.prot");
    }

    @Test
    void asEnvReproducesTheConfiguration(@TempDir Path home) {
        PlatformConfig config = PlatformConfig.load(Map.of("TUNETRAIL_HOME", home.toString(), "TUNETRAIL_REDIS_PORT", "23456"), Map.of());
        PlatformConfig again = PlatformConfig.load(config.asEnv(), Map.of());
        assertThat(again.asMap()).isEqualTo(config.asMap());
    }
}
