package io.tunetrail.cli.health;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.CommandGroup;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.model.EventCodec;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./tunetrail health streaming}: the Flink jobs' consumer lag, checkpoint age and dead-letter rate. */
@Command(name = "health", mixinStandardHelpOptions = true, description = "Health measures of the running pipelines.",
        subcommands = HealthCommand.Streaming.class)
public final class HealthCommand extends CommandGroup {
    @Command(name = "streaming", mixinStandardHelpOptions = true,
            description = {"Measure the streaming jobs from outside: each job's consumer lag (committed offsets against",
                "the ends of its topics), the age of its newest completed checkpoint, and the dead-letter rate of the",
                "jobs over the last health.window-minutes. Prints one line per job and, last, one JSON object.",
                "Exits 1 naming every measure over its health.* limit."})
    public static final class Streaming implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            StreamingHealth.Report report;
            try {
                report = new StreamingHealth(TunetrailCli.config(), Clock.systemUTC()).measure();
            } catch (IllegalStateException e) {
                throw CliError.failed("measuring the streaming jobs failed", e.getMessage(),
                        "Check that Kafka is up (./tunetrail stack status)");
            }
            for (StreamingHealth.JobHealth j : report.jobs()) {
                System.out.printf("%-17s lag %s  newest checkpoint %s%n", j.job(),
                        j.lag() == null ? "none committed" : String.format("%,d", j.lag()),
                        j.checkpointAgeSeconds() == null ? "none" : j.checkpointAgeSeconds() + " s ago");
            }
            System.out.printf("dead letters      %,d of %,d input records in %d min (%.4f)%n", report.deadLetters(),
                    report.inputRecords(), report.windowMinutes(), report.deadLetterRate());
            System.out.println(EventCodec.mapper().writeValueAsString(report.asMap()));
            if (!report.breaches().isEmpty()) {
                throw CliError.failed("streaming health is over its limits", String.join("; ", report.breaches()),
                        "Look at the jobs (./tunetrail stream), or raise the health.* limits if these are expected");
            }
            return 0;
        }
    }
}
