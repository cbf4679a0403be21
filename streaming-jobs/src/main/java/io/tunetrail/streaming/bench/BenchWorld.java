package io.tunetrail.streaming.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.ingestion.kafka.KafkaTopics;
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
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.Track;
import io.tunetrail.store.Database;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.online.RedisKeys;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;

/**
 * The benchmark's own world, so it never touches the platform's data: fresh topics, a database of its own holding the
 * synthetic catalog, and org ids prefixed with the run's id (so its Redis keys are its own); all removed by
 * {@link #close()}.
 */
final class BenchWorld implements AutoCloseable {
    private final PlatformConfig base;
    private final PlatformConfig config;
    private final String database;
    private final String prefix;
    private final List<String> orgs = new ArrayList<>();

    BenchWorld(PlatformConfig base) {
        this.base = base;
        String run = UUID.randomUUID().toString().substring(0, 8);
        prefix = "bench-" + run + "-";
        database = "tt_bench_" + run;
        Map<String, String> o = new HashMap<>(base.asMap());
        o.putAll(PlatformConfig.topicsNamed(prefix));
        o.put(PlatformConfig.POSTGRES_DATABASE.name(), database);
        config = PlatformConfig.load(Map.of(), o);
    }

    PlatformConfig config() {
        return config;
    }

    /** Creates topics and database, loads the catalog and sends about {@code events} interactions; returns how many. */
    long load(long events) throws Exception {
        List<String> topics = new ArrayList<>(KafkaTopics.names(config));
        topics.addAll(KafkaTopics.resultNames(config));
        KafkaTopics.ensure(config, topics);
        try (HikariDataSource admin = Database.connect(base, 1); Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        }
        // Scale 1 gives about 350k events over 28 days; take the first N of a world big enough.
        GeneratorSettings settings = GeneratorSettings.defaults(LocalDate.now(ZoneOffset.UTC).atStartOfDay().toInstant(ZoneOffset.UTC))
                .withScale(Math.max(0.05, events / 300_000.0));
        SyntheticGenerator generator = new SyntheticGenerator(settings);
        try (HikariDataSource ds = Database.connect(config, 2)) {
            Database.migrate(ds, config);
            new PostgresCatalogStore(ds).load(prefixed(generator.catalog()));
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        EventCodec<InteractionEvent> codec = EventCodec.interactions();
        String topic = config.get(PlatformConfig.TOPIC_INTERACTIONS);
        AtomicLong sent = new AtomicLong();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            try {
                generator.interactions(e -> {
                    if (sent.get() >= events) {
                        throw new StopGenerating();
                    }
                    InteractionEvent b = new InteractionEvent(prefix + e.orgId(), e.userId(), e.trackId(), e.eventType(), e.playedMs(),
                            e.trackDurationMs(), e.eventTime(), e.context(), e.clientEventId(), e.count());
                    producer.send(new ProducerRecord<>(topic, b.partitionKey().getBytes(StandardCharsets.UTF_8), codec.encode(b)));
                    sent.incrementAndGet();
                });
            } catch (StopGenerating done) {
                // enough events
            }
            producer.flush();
        }
        return sent.get();
    }

    private static final class StopGenerating extends RuntimeException {
        StopGenerating() {
            super(null, null, false, false);
        }
    }

    private Catalog prefixed(Catalog c) {
        List<Org> os = c.orgs().stream().map(o -> new Org(prefix + o.orgId(), o.name(), o.planId())).toList();
        os.forEach(o -> orgs.add(o.orgId()));
        return new Catalog(os,
                c.users().stream().map(u -> new EndUser(prefix + u.orgId(), u.userId(), u.country(), u.firstSeen())).toList(),
                c.artists().stream().map(a -> new Artist(prefix + a.orgId(), a.artistId(), a.name())).toList(),
                c.genres().stream().map(g -> new Genre(prefix + g.orgId(), g.genreId(), g.name(), g.parentGenreId())).toList(),
                c.tracks().stream().map(t -> new Track(prefix + t.orgId(), t.trackId(), t.title(), t.artistId(), t.album(), t.releaseYear(),
                        t.durationMs(), t.popularity(), t.genreIds())).toList(),
                c.audioFeatures().stream().map(f -> new AudioFeatures(prefix + f.orgId(), f.trackId(), f.tempo(), f.key(), f.mode(),
                        f.timeSignature(), f.loudness(), f.energy(), f.danceability(), f.valence(), f.acousticness(),
                        f.instrumentalness(), f.liveness(), f.speechiness(), f.durationMs())).toList());
    }

    @Override
    public void close() throws Exception {
        try (Admin admin = Admin.create(KafkaTopics.adminProperties(config))) {
            List<String> topics = new ArrayList<>(KafkaTopics.names(config));
            topics.addAll(KafkaTopics.resultNames(config));
            admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("bench: could not delete topics " + prefix + "*: " + e.getMessage());
        }
        try (HikariDataSource admin = Database.connect(base, 1); Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
        try (JedisPooled jedis = new JedisPooled(base.get(PlatformConfig.REDIS_HOST), base.getInt(PlatformConfig.REDIS_PORT))) {
            for (String org : orgs) {
                String cursor = ScanParams.SCAN_POINTER_START;
                ScanParams match = new ScanParams().match(RedisKeys.orgPattern(org)).count(1000);
                do {
                    var page = jedis.scan(cursor, match);
                    if (!page.getResult().isEmpty()) {
                        jedis.del(page.getResult().toArray(String[]::new));
                    }
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
        }
    }
}
