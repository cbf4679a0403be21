package io.tunetrail.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The train stage prints each org's new version with its metrics beside the baseline, from the chain's JSON line. */
class TrainStageTest {
    // The shape BatchJobsMain --all prints (NightlyChain.Result.asMap), cut to two jobs and one org.
    private static final String CHAIN = """
            {"run_id":"20261122T230000Z-abc123","duration_ms":60000,"jobs":[
             {"job":"als","run_id":"r","model_versions":{"acme":"1.2"},"input_versions":{"interactions":3},
              "output_versions":{},"figures":{"orgs":1},"duration_ms":30000},
             {"job":"evaluate","run_id":"r","model_versions":{"acme":"1.2"},"input_versions":{"interactions":3},
              "output_versions":{"model_metrics":4},"figures":{"orgs":1,"per_org":{"acme":{"k":10,"split":"stratified",
              "als":{"precision":0.25,"recall":0.2,"ndcg":0.3,"map":0.15,"coverage":0.4,"novelty":5.0,"popularity_bias":0.05,"users":900},
              "baseline":{"precision":0.1,"recall":0.08,"ndcg":0.12,"map":0.05,"coverage":0.01,"novelty":2.0,"popularity_bias":0.2,"users":900},
              "users":950,"tracks":1200,"train_pairs":50000,"held_out_pairs":16000}}},"duration_ms":20000},
             {"job":"materialise","run_id":"r","model_versions":{"acme":"1.2"},"input_versions":{},"output_versions":{},
              "figures":{"orgs":1,"per_org":{"acme":{"als":{"candidate":"1.2","active":"1.2","decision":"promoted"}}}},
              "duration_ms":10000}]}
            """;

    @Test
    void printsTheNewVersionBesideTheBaseline() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        TrainStage.print(new ObjectMapper().readTree(CHAIN), new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("als", "30.0 s", "evaluate", "20.0 s");
        assertThat(out).contains("org acme: als 1.2 -> active 1.2 (promoted), 900 listeners evaluated (k 10, stratified split)");
        assertThat(out).containsPattern("als\\s+0\\.2500\\s+0\\.2000\\s+0\\.3000\\s+0\\.1500\\s+0\\.4000");
        assertThat(out).containsPattern("popularity\\s+0\\.1000\\s+0\\.0800\\s+0\\.1200\\s+0\\.0500\\s+0\\.0100");
    }

    @Test
    void printsTheFamilyThatServesTheOrgUnderItsName() throws Exception {
        // The evaluate job scores the family the nightly choice picked and names it (here EASE).
        String chain = CHAIN.replace("\"als\":{\"precision\"", "\"family\":\"ease\",\"ease\":{\"precision\"");
        assertThat(chain).contains("\"family\":\"ease\"");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        TrainStage.print(new ObjectMapper().readTree(chain), new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("900 listeners evaluated");
        assertThat(out).containsPattern("ease\\s+0\\.2500\\s+0\\.2000\\s+0\\.3000\\s+0\\.1500\\s+0\\.4000");
    }
}
