package io.tunetrail.cli.data;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.Progress;
import io.tunetrail.ingestion.importers.DatasetImporter;
import io.tunetrail.ingestion.importers.DatasetImporters;
import io.tunetrail.ingestion.importers.ImportRequest;
import io.tunetrail.ingestion.importers.ImportResult;
import io.tunetrail.ingestion.kafka.KafkaEventPublisher;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.ingestion.synthetic.SyntheticGenerator;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Org;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import io.tunetrail.store.catalog.CatalogLoadReport;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Loads a data source into the platform: the catalog into PostgreSQL (idempotent upserts) and the interactions into
 * Kafka (idempotent producer). The one path {@code generate}, {@code import} and {@code demo} share.
 */
public final class PlatformLoader {
    private final PlatformConfig config;
    private final PrintStream out;

    public PlatformLoader(PlatformConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    /** Generates synthetic data and loads it: catalog first, so every event's track exists when it arrives. */
    public LoadSummary loadSynthetic(SyntheticGenerator generator, long expectedEvents) {
        Catalog catalog = generator.catalog();
        try (HikariDataSource db = connectAndMigrate()) {
            CatalogLoadReport report = loadCatalog(db, catalog);
            KafkaTopics.ensure(config);
            long published;
            double seconds;
            try (KafkaEventPublisher publisher = new KafkaEventPublisher(config);
                    Progress progress = Progress.start("publishing interactions", "events", expectedEvents)) {
                generator.interactions(e -> {
                    publisher.publish(e);
                    progress.step(1);
                });
                publisher.flush();
                published = publisher.acknowledged();
                seconds = progress.elapsedSeconds();
            }
            return new LoadSummary("synthetic", catalog.orgs(), report, published, seconds, null);
        }
    }

    /**
     * Imports a public data set into one org: its events are read, sorted by event time and published, then the
     * catalog is loaded (a data set's catalog is only complete at the end).
     *
     * <p>Sorted because the files list events by user or by item, not by time, and the streaming jobs judge lateness
     * per partition against the newest event seen: published in file order, almost every event would be "late" and
     * go to the dead-letter topic. In time order the import arrives as live traffic would. The supported releases
     * (hundreds of thousands of rows) sort in memory.
     */
    public LoadSummary loadDataset(String dataset, Path dataDir, Org org, Instant referenceTime) {
        DatasetImporter importer = DatasetImporters.forName(dataset);
        try (HikariDataSource db = connectAndMigrate()) {
            KafkaTopics.ensure(config);
            ImportResult result;
            long published;
            double seconds;
            try (KafkaEventPublisher publisher = new KafkaEventPublisher(config);
                    Progress progress = Progress.start("importing " + dataset, "events", -1)) {
                List<InteractionEvent> events = new ArrayList<>();
                result = importer.importInto(new ImportRequest(dataDir, org, config.home(), referenceTime), events::add);
                events.sort(Comparator.comparing(InteractionEvent::eventTime));
                for (InteractionEvent e : events) {
                    publisher.publish(e);
                    progress.step(1);
                }
                publisher.flush();
                published = publisher.acknowledged();
                seconds = progress.elapsedSeconds();
            } catch (IOException e) {
                throw CliError.failed("importing " + dataset + " from " + dataDir + " failed", e.getMessage(),
                        "check the directory holds the " + dataset + " files (see ../shared/datasets/SOURCES.md)", e);
            }
            CatalogLoadReport report = loadCatalog(db, result.catalog());
            return new LoadSummary(dataset, result.catalog().orgs(), report, published, seconds, result.summary());
        }
    }

    private CatalogLoadReport loadCatalog(HikariDataSource db, Catalog catalog) {
        out.printf("  loading catalog into PostgreSQL (%,d rows)...%n", catalog.rowCount());
        return new PostgresCatalogStore(db).load(catalog);
    }

    private HikariDataSource connectAndMigrate() {
        HikariDataSource db;
        try {
            db = Database.connect(config);
        } catch (RuntimeException e) {
            throw CliError.environment("cannot reach PostgreSQL at " + config.jdbcUrl(), rootMessage(e),
                    "start the local stack with ./tunetrail stack start, or point postgres.* at a running server");
        }
        try {
            Database.migrate(db, config);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage();
    }
}
