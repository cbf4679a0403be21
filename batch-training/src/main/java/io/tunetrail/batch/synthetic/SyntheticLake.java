package io.tunetrail.batch.synthetic;

import io.tunetrail.batch.land.EventFormat;
import io.tunetrail.batch.land.KafkaToDeltaLander;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.ingestion.synthetic.GeneratorSettings;
import io.tunetrail.ingestion.synthetic.SyntheticGenerator;
import io.tunetrail.model.Artist;
import io.tunetrail.model.AudioFeatures;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.EndUser;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.Genre;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Org;
import io.tunetrail.model.Track;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Puts the synthetic generator's world straight into an offline store (and its catalog into PostgreSQL), without
 * Kafka: for the nightly chain's integration test and the batch benchmark, which measure the chain, not the landing.
 *
 * <p>Events go through the lander's own {@link EventFormat} (JSON as on the wire, the same checks, the same columns),
 * appended in chunks so memory stays bounded at any scale. Org ids can be renamed ({@code orgIds}), so a test's or a
 * benchmark's rows and Redis keys never meet the demo's.
 */
public final class SyntheticLake {
    private static final int CHUNK = 100_000;

    private final SparkSession spark;
    private final OfflineTables tables;

    public SyntheticLake(SparkSession spark, OfflineTables tables) {
        this.spark = spark;
        this.tables = tables;
    }

    /** What was loaded. */
    public record Loaded(Catalog catalog, long events, long interactionsVersion) {
        public List<String> orgIds() {
            return catalog.orgs().stream().map(Org::orgId).toList();
        }
    }

    /**
     * Generates, renames the orgs, loads the catalog into {@code catalogStore} (when not null) and appends the events
     * to the {@code interactions} table.
     */
    public Loaded load(GeneratorSettings settings, UnaryOperator<String> orgIds, DataSource catalogStore) {
        SyntheticGenerator generator = new SyntheticGenerator(settings);
        Catalog catalog = renamed(generator.catalog(), orgIds);
        if (catalogStore != null) {
            new PostgresCatalogStore(catalogStore).load(catalog);
        }
        EventCodec<InteractionEvent> codec = EventCodec.interactions();
        List<Row> chunk = new ArrayList<>(CHUNK);
        Timestamp now = new Timestamp(System.currentTimeMillis());
        long[] offset = {0};
        long events = generator.interactions(e -> {
            chunk.add(RowFactory.create(null, codec.encode(renamed(e, orgIds)), "synthetic", 0, offset[0]++, now, 0));
            if (chunk.size() == CHUNK) {
                append(chunk);
                chunk.clear();
            }
        });
        if (!chunk.isEmpty()) {
            append(chunk);
        }
        return new Loaded(catalog, events, tables.version("interactions"));
    }

    private void append(List<Row> kafkaRows) {
        EventFormat format = EventFormat.INTERACTIONS;
        format.landedRows(format.classify(spark.createDataFrame(kafkaRows, KafkaToDeltaLander.KAFKA_SCHEMA)))
                .write().format("delta").mode(SaveMode.Append)
                .partitionBy("org_id", "event_date")
                .save(tables.location("interactions"));
    }

    static InteractionEvent renamed(InteractionEvent e, UnaryOperator<String> ids) {
        return new InteractionEvent(ids.apply(e.orgId()), e.userId(), e.trackId(), e.eventType(), e.playedMs(),
                e.trackDurationMs(), e.eventTime(), e.context(), e.clientEventId(), e.count());
    }

    static Catalog renamed(Catalog c, UnaryOperator<String> ids) {
        return new Catalog(
                c.orgs().stream().map(o -> new Org(ids.apply(o.orgId()), o.name(), o.planId())).toList(),
                c.users().stream().map(u -> new EndUser(ids.apply(u.orgId()), u.userId(), u.country(), u.firstSeen())).toList(),
                c.artists().stream().map(a -> new Artist(ids.apply(a.orgId()), a.artistId(), a.name())).toList(),
                c.genres().stream().map(g -> new Genre(ids.apply(g.orgId()), g.genreId(), g.name(), g.parentGenreId())).toList(),
                c.tracks().stream().map(t -> new Track(ids.apply(t.orgId()), t.trackId(), t.title(), t.artistId(), t.album(),
                        t.releaseYear(), t.durationMs(), t.popularity(), t.genreIds())).toList(),
                c.audioFeatures().stream().map(f -> new AudioFeatures(ids.apply(f.orgId()), f.trackId(), f.tempo(), f.key(),
                        f.mode(), f.timeSignature(), f.loudness(), f.energy(), f.danceability(), f.valence(),
                        f.acousticness(), f.instrumentalness(), f.liveness(), f.speechiness(), f.durationMs())).toList());
    }
}
