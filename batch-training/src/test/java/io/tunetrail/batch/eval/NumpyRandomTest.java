package io.tunetrail.batch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Against NumPy's own output, committed in {@code eval/numpy-rand.json} (made with {@code numpy.random.seed(s);
 * numpy.random.rand(1000)}, NumPy 2.4): equal to the last bit, including across the generator's 624-word refills.
 */
class NumpyRandomTest {
    @Test
    void drawsWhatNumpyDraws() throws Exception {
        JsonNode fixture;
        try (InputStream in = getClass().getResourceAsStream("/eval/numpy-rand.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
        for (String seed : new String[] {"42", "0", "4294967295"}) {
            double[] drawn = new NumpyRandom(Long.parseLong(seed)).rand(1000);
            JsonNode indices = fixture.get("indices");
            for (int x = 0; x < indices.size(); x++) {
                assertThat(drawn[indices.get(x).asInt()]).as("seed %s, draw %d", seed, indices.get(x).asInt())
                        .isEqualTo(fixture.get(seed).get(x).asDouble());
            }
        }
    }

    @Test
    void refusesSeedsNumpyRefuses() {
        assertThatThrownBy(() -> new NumpyRandom(-1)).hasMessageContaining("0..4294967295");
        assertThatThrownBy(() -> new NumpyRandom(1L << 32)).hasMessageContaining("0..4294967295");
    }
}
