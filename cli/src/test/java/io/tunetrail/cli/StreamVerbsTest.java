package io.tunetrail.cli;

import static io.tunetrail.cli.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.cli.jobs.StreamCommand;
import io.tunetrail.model.EventCodec;
import org.junit.jupiter.api.Test;

class StreamVerbsTest {


    @Test
    void anUnknownJobIsAUsageErrorNamingTheKnownOnes() {
        Object[] result = run("stream", "--job", "billing");
        assertThat(result[0]).isEqualTo(CliError.USAGE);
        assertThat((String) result[1]).contains("billing").contains("usage-counters").contains("session-features");
    }

    @Test
    void stopWithoutTheClusterIsAUsageError() {
        for (String[] args : new String[][] {{"stream", "--stop"}, {"stream", "--cluster", "--stop", "--until-idle"}}) {
            Object[] result = run(args);
            assertThat(result[0]).isEqualTo(CliError.USAGE);
            assertThat((String) result[1]).contains("--stop applies to --cluster only");
        }
    }

    @Test
    void noSavepointWithoutAClusterStopIsAUsageError() {
        for (String[] args : new String[][] {{"stream", "--no-savepoint"}, {"stream", "--cluster", "--no-savepoint"}}) {
            Object[] result = run(args);
            assertThat(result[0]).isEqualTo(CliError.USAGE);
            assertThat((String) result[1]).contains("--no-savepoint applies to --cluster --stop only");
        }
    }

    @Test
    void theStreamingBenchmarkRefusesAnAbsurdEventCount() {
        Object[] result = run("bench", "streaming", "--events", "5");
        assertThat(result[0]).isEqualTo(CliError.USAGE);
        assertThat((String) result[1]).contains("--events");
    }

    @Test
    void describesEachJobsCountersOnOneLine() throws Exception {
        String json = "{\"usage_counters\":{\"records_read\":1200,\"accepted\":1190,\"malformed_json\":3,\"schema_violation\":4,"
                + "\"future_event\":1,\"late_event\":2,\"other_rejected\":0,\"window_late\":0},\"seconds\":4.2}";
        String text = StreamCommand.describe(EventCodec.mapper().readTree(json));
        assertThat(text.lines()).hasSize(1);
        assertThat(text).startsWith("usage-counters").contains("read 1,200").contains("accepted 1,190").contains("malformed JSON 3")
                .contains("schema 4").contains("future 1").contains("late 2");
    }
}
