package io.tunetrail.ingestion.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tunetrail.model.AudioFeatures;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.Decoded;
import io.tunetrail.model.EndUser;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.EventType;
import io.tunetrail.model.Genre;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Org;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.Track;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The generator's contract: reproducible, schema-valid, self-consistent, and sized by scale. */
class SyntheticGeneratorTest {
    private static final EventCodec<InteractionEvent> CODEC = EventCodec.interactions();
    private static final GeneratorSettings SMALL = GeneratorSettings.defaults(GeneratedData.END).withScale(0.05);

    @Test
    void sameSettingsGiveTheSameCatalogAndEventStream() {
        SyntheticGenerator first = new SyntheticGenerator(SMALL);
        SyntheticGenerator second = new SyntheticGenerator(SMALL);

        assertThat(second.catalog()).isEqualTo(first.catalog());
        String hash = streamHash(first);
        assertThat(streamHash(second)).isEqualTo(hash);
        // A generator can be replayed: a second call streams the same events again.
        assertThat(streamHash(first)).isEqualTo(hash);
    }

    @Test
    void anotherSeedGivesOtherData() {
        SyntheticGenerator base = new SyntheticGenerator(SMALL);
        SyntheticGenerator reseeded = new SyntheticGenerator(SMALL.withSeed(SMALL.seed() + 1));

        assertThat(reseeded.catalog().audioFeatures()).isNotEqualTo(base.catalog().audioFeatures());
        assertThat(streamHash(reseeded)).isNotEqualTo(streamHash(base));
    }

    @Test
    void everyEventIsAcceptedBySchemaAndDecodesToItself() {
        SyntheticGenerator generator = new SyntheticGenerator(SMALL);
        long[] rejected = {0};
        long count = generator.interactions(e -> {
            Decoded<InteractionEvent> decoded = CODEC.decode(CODEC.encode(e));
            if (!decoded.isAccepted() || !decoded.value().equals(e)) {
                rejected[0]++;
                assertThat(decoded.isAccepted()).as("event %s: %s", e, decoded.reason()).isTrue();
                assertThat(decoded.value()).isEqualTo(e);
            }
        });
        assertThat(count).isGreaterThan(5_000);
        assertThat(rejected[0]).isZero();
    }

    @Test
    void eventFieldsAreConsistentWithTheirTypeAndTheCatalog() {
        GeneratedData data = GeneratedData.atScale(0.3);
        long start = data.settings.start().toEpochMilli();
        long end = data.settings.end().toEpochMilli();
        Map<String, Instant> firstSeen = new HashMap<>();
        data.catalog.users().forEach(u -> firstSeen.put(u.orgId() + "/" + u.userId(), u.firstSeen()));
        Set<String> ids = new HashSet<>();
        long previous = Long.MIN_VALUE;
        for (InteractionEvent e : data.events) {
            Track track = data.track(e);
            assertThat(track).as("track of %s", e).isNotNull();
            assertThat(e.trackDurationMs()).isEqualTo(track.durationMs());
            long t = e.eventTime().toEpochMilli();
            assertThat(t).isBetween(start, end - 1).isGreaterThanOrEqualTo(previous);
            previous = t;
            assertThat(e.eventTime()).isAfterOrEqualTo(firstSeen.get(GeneratedData.userKey(e)));
            assertThat(ids.add(e.orgId() + "/" + e.clientEventId())).as("unique id %s", e.clientEventId()).isTrue();
            assertThat(e.count()).isEqualTo(1);
            assertThat(e.context().device()).isNotNull();
            switch (e.eventType()) {
                case SKIP -> assertThat(e.playedMs()).isBetween(1_000L, 30_000L).isLessThan(e.trackDurationMs());
                case COMPLETE -> assertThat(e.playedMs()).isEqualTo(e.trackDurationMs());
                case PLAY -> assertThat(e.playedMs()).isGreaterThanOrEqualTo(30_000L).isLessThan(e.trackDurationMs());
                default -> assertThat(e.playedMs()).isBetween(0L, e.trackDurationMs());
            }
        }
        Map<EventType, Long> types = data.events.stream()
                .collect(Collectors.groupingBy(InteractionEvent::eventType, Collectors.counting()));
        assertThat(types.keySet()).containsExactlyInAnyOrder(EventType.values());
    }

    @Test
    void catalogIsCompleteAndWithinPlansAndSpotifyRanges() {
        Catalog catalog = GeneratedData.atScale(0.3).catalog;
        PlanCatalog plans = PlanCatalog.load();

        assertThat(catalog.orgs()).extracting(Org::planId).containsExactly("enterprise", "pro", "starter");
        Set<String> genreKeys = catalog.genres().stream().map(g -> g.orgId() + "/" + g.genreId()).collect(Collectors.toSet());
        assertThat(catalog.genres()).filteredOn(g -> g.parentGenreId() != null).hasSizeGreaterThan(catalog.genres().size() / 2)
                .allSatisfy(g -> assertThat(genreKeys).contains(g.orgId() + "/" + g.parentGenreId()));
        Set<String> artistKeys = catalog.artists().stream().map(a -> a.orgId() + "/" + a.artistId()).collect(Collectors.toSet());
        for (Track t : catalog.tracks()) {
            assertThat(artistKeys).contains(t.orgId() + "/" + t.artistId());
            assertThat(t.genreIds()).hasSizeBetween(2, 3).allSatisfy(g -> assertThat(genreKeys).contains(t.orgId() + "/" + g));
            assertThat(t.popularity()).isBetween(0, 100);
        }
        for (Org org : catalog.orgs()) {
            Long max = plans.plan(org.planId()).limit("tracks").max();
            long tracks = catalog.tracks().stream().filter(t -> t.orgId().equals(org.orgId())).count();
            assertThat(tracks).isGreaterThan(500).isLessThanOrEqualTo(max == null ? Long.MAX_VALUE : max);
            assertThat(catalog.users().stream().filter(u -> u.orgId().equals(org.orgId())).map(EndUser::country).distinct())
                    .isNotEmpty();
        }
        assertThat(catalog.audioFeatures()).hasSameSizeAs(catalog.tracks());
        for (AudioFeatures f : catalog.audioFeatures()) {
            assertThat(f.tempo()).isBetween(40.0, 220.0);
            assertThat(f.key()).isBetween(-1, 11);
            assertThat(f.mode()).isBetween(0, 1);
            assertThat(f.timeSignature()).isBetween(3, 7);
            assertThat(f.loudness()).isBetween(-60.0, 0.0);
            for (double ratio : new double[] {f.energy(), f.danceability(), f.valence(), f.acousticness(),
                    f.instrumentalness(), f.liveness(), f.speechiness()}) {
                assertThat(ratio).isBetween(0.0, 1.0);
            }
            assertThat(f.durationMs()).isBetween(AudioDraw.MIN_DURATION_MS, AudioDraw.MAX_DURATION_MS);
        }
        assertThat(catalog.genres()).extracting(Genre::genreId).contains("ambient", "sleep-sounds", "techno", "trap");
    }

    @Test
    void startersTrackCountIsCappedByItsPlan() {
        // At scale 64 the third org would get 4,000 * sqrt(64) * 0.45 = 14,500 tracks, over Starter's 10,000.
        GeneratorSettings big = GeneratorSettings.defaults(GeneratedData.END).withScale(64);
        assertThat(big.tracksPerOrg(2)).isGreaterThan(10_000);
        Catalog catalog = new SyntheticGenerator(big).catalog();
        assertThat(catalog.tracks().stream().filter(t -> t.orgId().equals("lumen-fm")).count()).isEqualTo(10_000);
    }

    @Test
    void eventsGrowLinearlyWithScale() {
        long small = count(0.1);
        long doubled = count(0.2);
        long quadrupled = count(0.4);

        assertThat(small).isGreaterThan(10_000);
        assertThat((double) doubled / small).isCloseTo(2.0, within(0.3));
        assertThat((double) quadrupled / doubled).isCloseTo(2.0, within(0.3));
    }

    @Test
    void defaultScaleIsSizedForAQuickDemo() {
        GeneratorSettings defaults = GeneratorSettings.defaults(GeneratedData.END);
        int users = 0;
        for (int i = 0; i < defaults.orgs(); i++) {
            users += defaults.usersPerOrg(i);
        }
        assertThat(users).isBetween(1_500, 2_500);
        // Events per listener at a small scale times the default's listeners: 200k-500k events.
        GeneratedData sample = GeneratedData.atScale(0.3);
        double perUser = (double) sample.events.size() / sample.catalog.users().size();
        assertThat(perUser * users).isBetween(200_000.0, 500_000.0);
    }

    @Test
    void invalidSettingsAndUnknownPlansFailWithAFix() {
        assertThatThrownBy(() -> GeneratorSettings.defaults(GeneratedData.END).withScale(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("above 0");
        assertThatThrownBy(() -> GeneratorSettings.defaults(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("end");
        GeneratorSettings unknownPlan = new GeneratorSettings(1, 0.05, 1, GeneratedData.END, 7, List.of("platinum"));
        assertThatThrownBy(() -> new SyntheticGenerator(unknownPlan))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("platinum").hasMessageContaining("enterprise");
    }

    private static long count(double scale) {
        return new SyntheticGenerator(SMALL.withScale(scale)).interactions(e -> { });
    }

    private static String streamHash(SyntheticGenerator generator) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        MessageDigest d = digest;
        long count = generator.interactions(e -> d.update(CODEC.encode(e)));
        assertThat(count).isPositive();
        return HexFormat.of().formatHex(d.digest()) + "/" + count;
    }
}
