package io.tunetrail.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BatchJobsMainTest {
    private static BatchJobsMain.Command parse(String... args) {
        return BatchJobsMain.Command.parse(args);
    }

    @Test
    void readsEachMode() {
        assertThat(parse("--job", "land").what()).isEqualTo("land");
        assertThat(parse("--job", "als", "--org", "acme").options()).containsEntry("org", "acme");
        assertThat(parse("--all").mode()).isEqualTo("all");
        assertThat(parse("--requests").mode()).isEqualTo("requests");
        assertThat(parse("--eval", "--dataset", "lastfm-2k", "--data-dir", "/d", "--k", "5").options())
                .containsEntry("k", "5").containsEntry("dataset", "lastfm-2k");
        assertThat(parse("--bench", "--scales", "1,2").options()).containsEntry("scales", "1,2");
        assertThat(parse("--bench", "--skip-mllib").options()).containsEntry("skip-mllib", "true");
        assertThatThrownBy(() -> parse("--all", "--skip-mllib")).hasMessageContaining("applies to --bench only");
        BatchJobsMain.Command peek = parse("--peek", "usage_daily,sessions", "--org", "acme", "--n", "3");
        assertThat(peek.mode()).isEqualTo("peek");
        assertThat(peek.options()).containsEntry("peek", "usage_daily,sessions").containsEntry("org", "acme").containsEntry("n", "3");
        assertThat(BatchJobsMain.Command.asOf(parse("--all", "--as-of", "2026-03-04").options()))
                .isEqualTo(java.time.LocalDate.of(2026, 3, 4));
        assertThat(BatchJobsMain.Command.asOf(parse("--job", "als", "--org", "acme").options())).isNull();
    }

    @Test
    void refusesAnAsOfThatIsNoDayOrHasNoNightlyJob() {
        assertThatThrownBy(() -> parse("--all", "--as-of", "2026-13-01")).hasMessageContaining("--as-of needs a date as YYYY-MM-DD");
        assertThatThrownBy(() -> parse("--all", "--as-of", "yesterday")).hasMessageContaining("'yesterday'");
        assertThatThrownBy(() -> parse("--job", "land", "--as-of", "2026-03-04")).hasMessageContaining("nightly jobs only");
        assertThatThrownBy(() -> parse("--requests", "--as-of", "2026-03-04")).hasMessageContaining("nightly jobs only");
    }

    @Test
    void refusesWhatMakesNoSense() {
        assertThatThrownBy(() -> parse()).hasMessageContaining("say what to run");
        assertThatThrownBy(() -> parse("--all", "--job", "als")).hasMessageContaining("one of");
        assertThatThrownBy(() -> parse("--job", "nope")).hasMessageContaining("unknown job 'nope'").hasMessageContaining("als");
        assertThatThrownBy(() -> parse("--job", "land", "--org", "a")).hasMessageContaining("--org");
        assertThatThrownBy(() -> parse("--eval", "--dataset", "lastfm-2k")).hasMessageContaining("--data-dir");
        assertThatThrownBy(() -> parse("--all", "--org")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> parse("--all", "--colour", "red")).hasMessageContaining("unknown argument");
        assertThatThrownBy(() -> parse("--peek", "sessions", "--n", "0")).hasMessageContaining("--n needs a whole number");
        assertThatThrownBy(() -> parse("--peek", "sessions", "--job", "als")).hasMessageContaining("one of");
    }

    @Test
    void theWorkerModeTakesItsOptionsAndRefusesBadOnes() {
        BatchJobsMain.Command worker = parse("--worker", "--id", "w-1", "--max-jobs", "2", "--poll-ms", "500", "--once");
        assertThat(worker.mode()).isEqualTo("worker");
        assertThat(worker.options()).containsEntry("id", "w-1").containsEntry("max-jobs", "2").containsEntry("poll-ms", "500")
                .containsEntry("once", "true");
        assertThatThrownBy(() -> parse("--worker", "--max-jobs", "0")).hasMessageContaining("--max-jobs needs a whole number from 1 to 64");
        assertThatThrownBy(() -> parse("--worker", "--poll-ms", "soon")).hasMessageContaining("--poll-ms needs a whole number");
        assertThatThrownBy(() -> parse("--worker", "--id", "a b")).hasMessageContaining("--id must be");
        assertThatThrownBy(() -> parse("--all", "--once")).hasMessageContaining("apply to --worker only");
    }
}
