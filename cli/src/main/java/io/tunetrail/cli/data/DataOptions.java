package io.tunetrail.cli.data;

import io.tunetrail.cli.CliError;
import io.tunetrail.ingestion.importers.DatasetImporters;
import io.tunetrail.ingestion.synthetic.GeneratorSettings;
import io.tunetrail.model.Org;
import io.tunetrail.model.PlanCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Option;

/** The options that choose what data to load, shared by {@code generate}, {@code import} and {@code demo}. */
public final class DataOptions {
    @Option(names = "--seed", description = "Seed of the synthetic generator (default: ${DEFAULT-VALUE}).")
    long seed = GeneratorSettings.DEFAULT_SEED;

    @Option(names = "--scale", description = "Size multiplier of the synthetic data: 1 is about 350k events, 100 about 35 million (default: ${DEFAULT-VALUE}).")
    double scale = GeneratorSettings.DEFAULT_SCALE;

    @Option(names = "--orgs", description = "Number of synthetic orgs (default: ${DEFAULT-VALUE}).")
    int orgs = GeneratorSettings.DEFAULT_ORGS;

    @Option(names = "--days", description = "Days of synthetic history (default: ${DEFAULT-VALUE}).")
    int days = GeneratorSettings.DEFAULT_DAYS;

    @Option(names = "--end", paramLabel = "YYYY-MM-DD",
            description = "Day (UTC) the data ends: synthetic history runs up to it, imports without times are placed before it (default: today).")
    String end;

    @Option(names = "--org", description = "Org that receives an imported data set (default: demo-<dataset>).")
    String org;

    @Option(names = "--plan", description = "Plan of that org, from config/plans.yaml (default: ${DEFAULT-VALUE}).")
    String plan = "pro";

    /** Whether {@code --end} was given (or defaulted by {@link #defaultEnd}). */
    public boolean hasEnd() {
        return end != null;
    }

    /** Uses {@code day} as the end unless {@code --end} was given. */
    public void defaultEnd(LocalDate day) {
        if (end == null) {
            end = day.toString();
        }
    }

    /** The end instant: 00:00 UTC of {@code --end}, else of today. */
    public Instant endInstant() {
        LocalDate day;
        try {
            day = end == null ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(end);
        } catch (DateTimeParseException e) {
            throw CliError.usage("--end '" + end + "' is not a date", "write it as YYYY-MM-DD, e.g. --end 2026-11-22");
        }
        return day.atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    /** The generator's settings; the range checks live in {@link GeneratorSettings} and speak for themselves. */
    public GeneratorSettings generatorSettings() {
        return GeneratorSettings.defaults(endInstant()).withSeed(seed).withScale(scale).withOrgs(orgs)
                .withSpan(endInstant(), days);
    }

    /** The org an import goes into. */
    public Org importOrg(String dataset) {
        PlanCatalog.Plan p = PlanCatalog.load().plan(plan);
        String id = org == null ? "demo-" + dataset : org;
        return new Org(id, id, p.id());
    }

    /** Checks a data set name and directory before any work starts. */
    public static void requireDataset(String dataset, Path dataDir) {
        if (!DatasetImporters.names().contains(dataset)) {
            throw CliError.usage("unknown data set '" + dataset + "'", "use one of: " + String.join(", ", DatasetImporters.names()));
        }
        if (dataDir == null) {
            throw CliError.usage("--dataset " + dataset + " needs --data-dir", "point it at the unpacked files, e.g. --data-dir ../shared/datasets/hetrec2011-lastfm-2k");
        }
        if (!Files.isDirectory(dataDir)) {
            throw CliError.usage("--data-dir " + dataDir + " is not a directory", "point it at the unpacked " + dataset + " files");
        }
    }
}
