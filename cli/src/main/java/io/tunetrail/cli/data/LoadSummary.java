package io.tunetrail.cli.data;

import io.tunetrail.ingestion.importers.ImportSummary;
import io.tunetrail.model.Org;
import io.tunetrail.store.catalog.CatalogLoadReport;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What one load put into the platform: the orgs it covered, the catalog rows written to PostgreSQL, and the events
 * published to Kafka (with the import's per-file counts when the source was a data set).
 *
 * @param importSummary null for the synthetic generator
 */
public record LoadSummary(
        String source,
        List<Org> orgs,
        CatalogLoadReport catalog,
        long eventsPublished,
        double eventSeconds,
        ImportSummary importSummary) {

    public double eventsPerSecond() {
        return eventSeconds <= 0 ? 0 : eventsPublished / eventSeconds;
    }

    /** The summary a person reads after a load. */
    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "Loaded %s into the platform:%n", source);
        out.println("  orgs: " + orgs.stream().map(o -> o.orgId() + " (" + o.planId() + ")").collect(Collectors.joining(", ")));
        if (importSummary != null) {
            importSummary.format().lines().forEach(l -> out.println("  " + l));
        }
        out.printf(Locale.ROOT, "  catalog -> PostgreSQL: %,d rows (%,d inserted, %,d updated) in %.1f s, %,.0f rows/s%n",
                catalog.rows(), catalog.tables().stream().mapToLong(CatalogLoadReport.Table::inserted).sum(),
                catalog.tables().stream().mapToLong(CatalogLoadReport.Table::updated).sum(),
                catalog.elapsed().toMillis() / 1000.0, catalog.rowsPerSecond());
        out.printf(Locale.ROOT, "  interactions -> Kafka: %,d events acknowledged in %.1f s, %,.0f events/s%n",
                eventsPublished, eventSeconds, eventsPerSecond());
    }
}
