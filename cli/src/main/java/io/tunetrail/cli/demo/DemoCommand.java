package io.tunetrail.cli.demo;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.cli.data.DataOptions;
import io.tunetrail.cli.setup.Setup;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./tunetrail demo}: the main job end to end on the local stack, as a list of stages. It returns when done and
 * leaves the stack running for the user; {@code ./tunetrail stack stop} stops it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the main job end to end on the local stack, then print what arrived and what to try.",
            "Stages: set up what is missing, start the stack, generate (or import) data, load the catalog into",
            "PostgreSQL and publish interactions to Kafka, land the topics in Delta (Spark), read it all back.",
            "The stack keeps running afterwards;",
            "./tunetrail stack stop stops it."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dataset", defaultValue = "synthetic",
            description = "synthetic (default), lastfm-2k, spotify or movielens (with --data-dir).")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory of the public data set's files.")
    Path dataDir;

    @Option(names = "--reload", description = "Publish the data again even if an earlier demo run loaded the same data.")
    boolean reload;

    @Option(names = "--cluster", description = "Run the stream, land and train stages on the local Flink session and Spark "
            + "standalone clusters (started when down, left running; ./tunetrail cluster stop stops them).")
    boolean cluster;

    @Mixin
    DataOptions data = new DataOptions();

    /** The demo's stages, in order; with {@code cluster}, the clusters start before the first job is submitted. */
    static List<DemoStage> stages(boolean cluster) {
        List<DemoStage> stages = new ArrayList<>(List.of(new SetupStage(), new StackStage()));
        if (cluster) {
            stages.add(new ClusterStage());
        }
        stages.addAll(List.of(new DataStage(), new StreamStage(), new LandStage(), new TrainStage(), new SummaryStage(), new ServeStage()));
        return List.copyOf(stages);
    }

    /**
     * The demo's data ends on the day of its first run, and later runs reuse that day: a demo run tomorrow would
     * otherwise generate a new, overlapping history and publish it beside the first. {@code --end} overrides it.
     */
    private void rememberEnd(Path file) {
        if (data.hasEnd()) {
            return;
        }
        try {
            if (Files.isRegularFile(file)) {
                data.defaultEnd(LocalDate.parse(Files.readString(file).trim()));
            } else {
                data.defaultEnd(LocalDate.now(ZoneOffset.UTC));
                Files.createDirectories(file.getParent());
                Files.writeString(file, data.endInstant().atZone(ZoneOffset.UTC).toLocalDate() + "\n");
            }
        } catch (IOException | DateTimeParseException e) {
            throw CliError.failed("cannot read or record the demo's end day in " + file, e.getMessage(),
                    "delete the file (the demo then starts a new history) or pass --end YYYY-MM-DD");
        }
    }

    @Override
    public Integer call() {
        if (!dataset.equals(DataStage.SYNTHETIC)) {
            DataOptions.requireDataset(dataset, dataDir);
        }
        PlatformConfig config = TunetrailCli.config();
        rememberEnd(config.home().resolve("demo-end.txt"));
        DemoContext context = new DemoContext(config, Setup.repositoryRoot(), dataset, dataDir, data, reload, cluster,
                System.out);
        List<DemoStage> stages = stages(cluster);
        long demoStart = System.nanoTime();
        for (int i = 0; i < stages.size(); i++) {
            DemoStage stage = stages.get(i);
            System.out.printf(Locale.ROOT, "%n[%d/%d] %s: %s%n", i + 1, stages.size(), stage.name(), stage.description());
            long t0 = System.nanoTime();
            try {
                stage.run(context);
            } catch (Exception e) {
                CliError explained = CliError.explain(e);
                if (explained == null) {
                    throw CliError.failed("demo stage '" + stage.name() + "' failed", String.valueOf(e),
                            "logs of the local stack are in " + context.config().home().resolve("logs"), e);
                }
                throw explained.within("demo stage '" + stage.name() + "' failed");
            }
            System.out.printf(Locale.ROOT, "      %s done in %.1f s%n", stage.name(), (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf(Locale.ROOT, "%nDemo finished in %.1f s. The stack is still running; ./tunetrail stack stop stops it.%n",
                (System.nanoTime() - demoStart) / 1e9);
        return 0;
    }
}
