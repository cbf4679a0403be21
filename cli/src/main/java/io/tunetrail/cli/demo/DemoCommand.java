package io.tunetrail.cli.demo;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.cli.data.DataOptions;
import io.tunetrail.cli.setup.Setup;
import java.nio.file.Path;
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
        description = {"Run the main job end to end on the local stack: set up what is missing, start the stack,",
            "generate (or import) data, load the catalog into PostgreSQL, publish interactions to Kafka,",
            "and print what arrived, read back from Kafka and PostgreSQL, with what to try next.",
            "The stack keeps running afterwards; ./tunetrail stack stop stops it."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dataset", defaultValue = "synthetic",
            description = "synthetic (default), lastfm-2k, spotify or movielens (with --data-dir).")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory of the public data set's files.")
    Path dataDir;

    @Option(names = "--reload", description = "Publish the data again even if an earlier demo run loaded the same data.")
    boolean reload;

    @Mixin
    DataOptions data = new DataOptions();

    /** The demo's stages, in order. Streaming, training and serving add theirs here. */
    static List<DemoStage> stages() {
        return List.of(new SetupStage(), new StackStage(), new DataStage(), new SummaryStage());
    }

    @Override
    public Integer call() {
        if (!dataset.equals(DataStage.SYNTHETIC)) {
            DataOptions.requireDataset(dataset, dataDir);
        }
        DemoContext context = new DemoContext(TunetrailCli.config(), Setup.repositoryRoot(), dataset, dataDir, data, reload, System.out);
        List<DemoStage> stages = stages();
        long demoStart = System.nanoTime();
        for (int i = 0; i < stages.size(); i++) {
            DemoStage stage = stages.get(i);
            System.out.printf(Locale.ROOT, "%n[%d/%d] %s: %s%n", i + 1, stages.size(), stage.name(), stage.description());
            long t0 = System.nanoTime();
            try {
                stage.run(context);
            } catch (CliError e) {
                throw CliError.failed("demo stage '" + stage.name() + "' failed", e.getMessage(), null, e);
            } catch (Exception e) {
                throw CliError.failed("demo stage '" + stage.name() + "' failed", String.valueOf(e.getMessage()),
                        "logs of the local stack are in " + context.config().home().resolve("logs"), e);
            }
            System.out.printf(Locale.ROOT, "      %s done in %.1f s%n", stage.name(), (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf(Locale.ROOT, "%nDemo finished in %.1f s. The stack is still running; ./tunetrail stack stop stops it.%n",
                (System.nanoTime() - demoStart) / 1e9);
        return 0;
    }
}
