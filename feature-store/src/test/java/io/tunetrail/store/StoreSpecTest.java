package io.tunetrail.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.PlatformConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreSpecTest {

    @Test
    void survivesSerialisationWithEveryValue() throws Exception {
        PlatformConfig config = PlatformConfig.load(Map.of(), Map.of("postgres.port", "25432", "redis.port", "26379",
                "embedding.dimension", "48", "postgres.database", "elsewhere"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(StoreSpec.of(config));
        }
        StoreSpec back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (StoreSpec) in.readObject();
        }
        assertThat(back.config().asMap()).isEqualTo(config.asMap());
        assertThat(back.config().jdbcUrl()).endsWith(":25432/elsewhere");
        assertThat(back.config().redisUri()).endsWith(":26379");
    }
}
