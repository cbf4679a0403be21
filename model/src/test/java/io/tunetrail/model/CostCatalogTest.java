package io.tunetrail.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CostCatalogTest {
    private static final String VALID = """
            cpu_second_usd: { training: 0.5, nightly: 0.25, audio_analysis: 0.125 }
            per_call_usd: { api_calls: 0.001 }
            storage_gb_month_usd: 0.02
            holds_usd: { training: 2 }
            """;

    private static CostCatalog parse(String yaml) throws IOException {
        return CostCatalog.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theShippedTableLoadsAndIsTheRepositorysFile() throws IOException {
        CostCatalog shipped = CostCatalog.load();
        CostCatalog file = CostCatalog.load(Path.of("..", "config", "costs.yaml"));
        for (String kind : CostCatalog.JOB_KINDS) {
            assertThat(shipped.cpuSecondUsd(kind)).as(kind).isPositive().isEqualTo(file.cpuSecondUsd(kind));
        }
        assertThat(shipped.perCallUsd("api_calls")).isPositive();
        assertThat(shipped.holdUsd("training")).isPositive();
        assertThat(Files.readString(Path.of("..", "config", "costs.yaml"))).contains("cpu_second_usd");
    }

    @Test
    void pricesAreReadAsWritten() throws IOException {
        CostCatalog c = parse(VALID);
        assertThat(c.cpuSecondUsd("training")).isEqualTo(0.5);
        assertThat(c.cpuSecondUsd("audio_analysis")).isEqualTo(0.125);
        assertThat(c.perCallUsd("api_calls")).isEqualTo(0.001);
        assertThat(c.perCallUsd("not_priced")).isZero();
        assertThat(c.storageGbMonthUsd()).isEqualTo(0.02);
        assertThat(c.holdUsd("training")).isEqualTo(2);
        assertThat(c.holdUsd("nightly")).isZero();
        assertThatThrownBy(() -> c.cpuSecondUsd("mining")).hasMessageContaining("mining").hasMessageContaining("training");
    }

    @Test
    void badTablesFailInOneLineNamingTheKey() {
        String[][] cases = {
            {VALID + "surprise: 1\n", "surprise: unknown key"},
            {VALID.replace("nightly: 0.25", "nightly: -1"), "cpu_second_usd.nightly: '-1' must be a price"},
            {VALID.replace("nightly: 0.25", "nightly: cheap"), "cpu_second_usd.nightly: 'cheap' must be a price"},
            {VALID.replace("nightly: 0.25, ", ""), "cpu_second_usd.nightly: is required"},
            {VALID.replace("training: 0.5,", "training: 0.5, gpu: 1,"), "cpu_second_usd.gpu: unknown key"},
            {VALID.replace("api_calls", "Api-Calls"), "per_call_usd.Api-Calls: is not a route class"},
            {VALID.replace("storage_gb_month_usd: 0.02\n", ""), "storage_gb_month_usd: is required"},
            {VALID.replace("holds_usd: { training: 2 }", "holds_usd: { trainin: 2 }"), "holds_usd.trainin: unknown key"},
            {VALID.replace("per_call_usd: { api_calls: 0.001 }", "per_call_usd: 3"), "per_call_usd: must be a mapping"},
            {"", "(root): the file is empty"}};
        for (String[] c : cases) {
            assertThatThrownBy(() -> parse(c[0])).as(c[1]).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("Invalid cost table: " + c[1]).hasMessageNotContaining("\n");
        }
    }
}
