package io.tunetrail.cli.data;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.Progress;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.ingestion.synthetic.SyntheticGenerator;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.InteractionEvent;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./tunetrail generate}: synthetic data into the platform, or into files. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generate synthetic orgs, listeners, a catalog with audio features, and listening sessions.",
            "By default loads them into the running stack (catalog -> PostgreSQL, interactions -> Kafka);",
            "with --out writes catalog.json and interactions.jsonl instead (no stack needed)."})
public final class GenerateCommand implements Callable<Integer> {
    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--out", paramLabel = "DIR", description = "Write files to DIR instead of loading the stack.")
    Path out;

    @Override
    public Integer call() {
        SyntheticGenerator generator = new SyntheticGenerator(data.generatorSettings());
        if (out == null) {
            new PlatformLoader(TunetrailCli.config(), System.out).loadSynthetic(generator, -1).print(System.out);
        } else {
            writeFiles(generator, out);
        }
        return 0;
    }

    private static void writeFiles(SyntheticGenerator generator, Path dir) {
        try {
            Files.createDirectories(dir);
            Catalog catalog = generator.catalog();
            ObjectWriter writer = EventCodec.mapper().writerWithDefaultPrettyPrinter();
            writer.writeValue(dir.resolve("catalog.json").toFile(), catalog);
            EventCodec<InteractionEvent> codec = EventCodec.interactions();
            long events;
            double seconds;
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(dir.resolve("interactions.jsonl")), 1 << 20);
                    Progress progress = Progress.start("generating interactions", "events", -1)) {
                generator.interactions(e -> {
                    try {
                        os.write(codec.encode(e));
                        os.write('\n');
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                    progress.step(1);
                });
                events = progress.done();
                seconds = progress.elapsedSeconds();
            }
            System.out.printf(Locale.ROOT, "Wrote %,d catalog rows to %s and %,d events to %s (%,.0f events/s)%n",
                    catalog.rowCount(), dir.resolve("catalog.json"), events, dir.resolve("interactions.jsonl"), events / Math.max(seconds, 1e-9));
        } catch (IOException | UncheckedIOException e) {
            throw CliError.failed("writing generated data to " + dir + " failed", e.getMessage(), "check the directory is writable and the disk has space");
        }
    }
}
