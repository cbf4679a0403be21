package io.tunetrail.ingestion.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.Activity;
import io.tunetrail.model.AudioFeatures;
import io.tunetrail.model.EventType;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Track;
import java.time.DayOfWeek;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The patterns the generator plants are measurable from its output alone, by margins a pattern-free generator (uniform
 * tracks, times and skips) could not reach. Thresholds sit well inside what the planted model gives, so tuning the
 * generator slightly keeps them green, and well outside chance, so removing a pattern turns them red.
 */
class PlantedPatternsTest {
    private static final GeneratedData DATA = GeneratedData.atScale(0.3);
    private static final long SESSION_GAP_MS = GroundTruth.SESSION_GAP.toMillis();

    @Test
    void activitiesPickTracksWhoseAudioFeaturesSuitThem() {
        double tempoWorkout = mean(Activity.WORKOUT, AudioFeatures::tempo);
        double tempoSleep = mean(Activity.SLEEP, AudioFeatures::tempo);
        double energyAll = mean(null, AudioFeatures::energy);

        assertThat(tempoWorkout - tempoSleep).isGreaterThan(40);
        assertThat(mean(Activity.WORKOUT, AudioFeatures::energy)).isGreaterThan(energyAll + 0.15);
        assertThat(mean(Activity.WORKOUT, AudioFeatures::energy) - mean(Activity.SLEEP, AudioFeatures::energy)).isGreaterThan(0.5);
        assertThat(mean(Activity.STUDY, AudioFeatures::energy)).isLessThan(energyAll - 0.25);
        assertThat(mean(Activity.STUDY, AudioFeatures::instrumentalness))
                .isGreaterThan(mean(null, AudioFeatures::instrumentalness) + 0.35);
        assertThat(mean(Activity.SLEEP, AudioFeatures::acousticness)).isGreaterThan(0.7);
        assertThat(tempoSleep).isLessThan(85);
        assertThat(mean(Activity.PARTY, AudioFeatures::danceability))
                .isGreaterThan(mean(null, AudioFeatures::danceability) + 0.1);
        assertThat(mean(Activity.PARTY, AudioFeatures::valence)).isGreaterThan(mean(null, AudioFeatures::valence) + 0.05);
    }

    @Test
    void listenersOfOneClusterHaveSimilarGenreProfiles() {
        Map<String, double[]> profiles = genreProfiles();
        List<String> users = new ArrayList<>(profiles.keySet());
        users.sort(null);
        double within = 0;
        double between = 0;
        int nWithin = 0;
        int nBetween = 0;
        for (int i = 0; i < users.size(); i++) {
            for (int j = i + 1; j < users.size(); j += 3) {
                double cos = cosine(profiles.get(users.get(i)), profiles.get(users.get(j)));
                if (cluster(users.get(i)) == cluster(users.get(j))) {
                    within += cos;
                    nWithin++;
                } else {
                    between += cos;
                    nBetween++;
                }
            }
        }
        assertThat(nWithin).isGreaterThan(1000);
        assertThat(within / nWithin).isGreaterThan(0.7);
        assertThat(between / nBetween).isLessThan(0.45);
    }

    @Test
    void listenersOfOneClusterShareTracksNotOnlyGenres() {
        // Pop is a taste genre of three clusters; within it, each cluster favours its own artists, so two fans of pop
        // from the same cluster play more of the same pop tracks than two pop fans from different clusters.
        Map<String, Set<String>> popPlayed = new HashMap<>();
        for (InteractionEvent e : DATA.events) {
            if (e.eventType() == EventType.COMPLETE && e.orgId().equals("riverbeat") && DATA.genre(e).equals("pop")
                    && DATA.truth.tasteGenres(e.orgId(), e.userId()).contains("pop")) {
                popPlayed.computeIfAbsent(GeneratedData.userKey(e), k -> new HashSet<>()).add(e.trackId());
            }
        }
        popPlayed.values().removeIf(tracks -> tracks.size() < 5);
        List<String> users = new ArrayList<>(popPlayed.keySet());
        users.sort(null);
        assertThat(users.stream().map(PlantedPatternsTest::cluster).distinct().count()).isGreaterThanOrEqualTo(3);
        double within = 0;
        double between = 0;
        int nWithin = 0;
        int nBetween = 0;
        for (int i = 0; i < users.size(); i++) {
            for (int j = i + 1; j < users.size(); j++) {
                double jaccard = jaccard(popPlayed.get(users.get(i)), popPlayed.get(users.get(j)));
                if (cluster(users.get(i)) == cluster(users.get(j))) {
                    within += jaccard;
                    nWithin++;
                } else {
                    between += jaccard;
                    nBetween++;
                }
            }
        }
        assertThat(within / nWithin).isGreaterThan(1.4 * (between / nBetween));
    }

    @Test
    void plantedGenrePairsAreHeardTogetherInSessions() {
        List<Set<String>> sessions = sessionGenres();
        for (GroundTruth.GenrePair pair : DATA.truth.correlatedGenres()) {
            assertThat(lift(sessions, pair.first(), pair.second())).as("lift %s", pair).isGreaterThan(1.5);
        }
        // Genres of unrelated clusters meet less often than chance.
        assertThat(lift(sessions, "metal", "classical")).isLessThan(0.8);
        assertThat(lift(sessions, "hip-hop", "ambient")).isLessThan(0.8);
    }

    @Test
    void skipsAreCommonAndMoreLikelyOutOfTaste() {
        long plays = 0;
        long skips = 0;
        long[] byTaste = new long[2];
        long[] skipsByTaste = new long[2];
        for (InteractionEvent e : DATA.events) {
            if (!GeneratedData.isPlay(e)) {
                continue;
            }
            int in = DATA.truth.tasteGenres(e.orgId(), e.userId()).contains(DATA.genre(e)) ? 1 : 0;
            boolean skip = e.eventType() == EventType.SKIP;
            plays++;
            byTaste[in]++;
            if (skip) {
                skips++;
                skipsByTaste[in]++;
            }
        }
        assertThat((double) skips / plays).isBetween(0.18, 0.32);
        double inTaste = (double) skipsByTaste[1] / byTaste[1];
        double outOfTaste = (double) skipsByTaste[0] / byTaste[0];
        assertThat(outOfTaste).isGreaterThan(2 * inTaste);
        assertThat(byTaste[0]).isGreaterThan(plays / 10);
    }

    @Test
    void likesDislikesAndPlaylistAddsAreRare() {
        Map<EventType, Long> counts = new EnumMap<>(EventType.class);
        DATA.events.forEach(e -> counts.merge(e.eventType(), 1L, Long::sum));
        double plays = counts.get(EventType.PLAY) + counts.get(EventType.SKIP) + counts.get(EventType.COMPLETE);
        assertThat(counts.get(EventType.LIKE) / plays).isBetween(0.01, 0.05);
        assertThat(counts.get(EventType.ADD_TO_PLAYLIST) / plays).isBetween(0.003, 0.03);
        assertThat(counts.get(EventType.DISLIKE) / plays).isBetween(0.002, 0.03);
    }

    @Test
    void hoursFollowDailyAndWeeklyRoutinesInLocalTime() {
        double[] weekday = new double[24];
        double[] weekend = new double[24];
        for (InteractionEvent e : DATA.events) {
            if (GeneratedData.isPlay(e)) {
                ZonedDateTime local = e.eventTime().atZone(DATA.truth.zone(e.orgId()));
                boolean isWeekend = local.getDayOfWeek() == DayOfWeek.SATURDAY || local.getDayOfWeek() == DayOfWeek.SUNDAY;
                (isWeekend ? weekend : weekday)[local.getHour()]++;
            }
        }
        double weekdayTotal = sum(weekday, 0, 24);
        double weekendTotal = sum(weekend, 0, 24);
        // Night is nearly silent; the evening is the busiest time; weekday mornings have a commute peak.
        assertThat((sum(weekday, 2, 5) + sum(weekend, 3, 6)) / (weekdayTotal + weekendTotal)).isLessThan(0.01);
        assertThat(argMax(weekday)).isBetween(19, 22);
        assertThat(sum(weekday, 7, 9) / 2).isGreaterThan(4 * sum(weekday, 9, 12) / 3);
        // Weekends shift: no commute peak, far more daytime listening.
        assertThat(sum(weekend, 7, 9) / weekendTotal).isLessThan(sum(weekday, 7, 9) / weekdayTotal / 2);
        assertThat(sum(weekend, 10, 18) / weekendTotal).isGreaterThan(2 * sum(weekday, 10, 18) / weekdayTotal);
    }

    @Test
    void listeningComesInSessionsSeparatedByMoreThanThirtyMinutes() {
        Map<String, Long> last = new HashMap<>();
        long inSession = 0;
        long betweenSessions = 0;
        long ambiguous = 0;
        for (InteractionEvent e : DATA.events) {
            long t = e.eventTime().toEpochMilli();
            Long previous = last.put(GeneratedData.userKey(e), t);
            if (previous == null) {
                continue;
            }
            long gap = t - previous;
            if (gap <= 20 * 60_000L) {
                inSession++;
            } else if (gap > SESSION_GAP_MS) {
                betweenSessions++;
            } else {
                ambiguous++;
            }
        }
        assertThat(ambiguous).isZero();
        double plays = DATA.events.stream().filter(GeneratedData::isPlay).count();
        double sessions = betweenSessions + last.size();
        assertThat(plays / sessions).isBetween(5.0, 15.0);
    }

    @Test
    void popularityIsSkewedAndMatchesThePopularityField() {
        Map<String, Long> plays = new HashMap<>();
        DATA.events.stream().filter(GeneratedData::isPlay).forEach(e -> plays.merge(e.orgId() + "/" + e.trackId(), 1L, Long::sum));
        List<Long> counts = new ArrayList<>(plays.values());
        counts.sort((a, b) -> Long.compare(b, a));
        long total = counts.stream().mapToLong(Long::longValue).sum();
        long top = counts.stream().limit(DATA.catalog.tracks().size() / 10).mapToLong(Long::longValue).sum();
        assertThat((double) top / total).isGreaterThan(0.4);

        double popular = 0;
        double obscure = 0;
        int nPopular = 0;
        int nObscure = 0;
        for (Track t : DATA.catalog.tracks()) {
            long n = plays.getOrDefault(t.orgId() + "/" + t.trackId(), 0L);
            if (t.popularity() >= 50) {
                popular += n;
                nPopular++;
            } else if (t.popularity() < 25) {
                obscure += n;
                nObscure++;
            }
        }
        assertThat(nPopular).isPositive();
        assertThat(popular / nPopular).isGreaterThan(5 * (obscure / nObscure));
    }

    private static double mean(Activity activity, ToDoubleFunction<AudioFeatures> feature) {
        double sum = 0;
        long n = 0;
        for (InteractionEvent e : DATA.events) {
            if ((e.eventType() == EventType.COMPLETE || e.eventType() == EventType.PLAY)
                    && (activity == null || e.context().activity() == activity)) {
                sum += feature.applyAsDouble(DATA.features(e));
                n++;
            }
        }
        assertThat(n).as("plays during %s", activity).isGreaterThan(500);
        return sum / n;
    }

    private static Map<String, double[]> genreProfiles() {
        List<String> genres = DATA.truth.clusters().get(0).genreAffinity().keySet().stream().toList();
        Map<String, double[]> profiles = new HashMap<>();
        for (InteractionEvent e : DATA.events) {
            if (GeneratedData.isPlay(e)) {
                profiles.computeIfAbsent(GeneratedData.userKey(e), k -> new double[genres.size()])[genres.indexOf(DATA.genre(e))]++;
            }
        }
        profiles.values().removeIf(p -> sum(p, 0, p.length) < 30);
        return profiles;
    }

    /** Sessions found the way an analyst would: a gap of more than 30 minutes starts a new one. */
    private static List<Set<String>> sessionGenres() {
        Map<String, Long> last = new HashMap<>();
        Map<String, Set<String>> open = new HashMap<>();
        List<Set<String>> sessions = new ArrayList<>();
        for (InteractionEvent e : DATA.events) {
            if (!GeneratedData.isPlay(e)) {
                continue;
            }
            String user = GeneratedData.userKey(e);
            Long previous = last.put(user, e.eventTime().toEpochMilli());
            if (previous == null || e.eventTime().toEpochMilli() - previous > SESSION_GAP_MS) {
                Set<String> session = new HashSet<>();
                sessions.add(session);
                open.put(user, session);
            }
            open.get(user).add(DATA.genre(e));
        }
        return sessions;
    }

    private static double lift(List<Set<String>> sessions, String a, String b) {
        double na = 0;
        double nb = 0;
        double nab = 0;
        for (Set<String> s : sessions) {
            boolean hasA = s.contains(a);
            boolean hasB = s.contains(b);
            na += hasA ? 1 : 0;
            nb += hasB ? 1 : 0;
            nab += hasA && hasB ? 1 : 0;
        }
        return nab * sessions.size() / (na * nb);
    }

    private static int cluster(String userKey) {
        int slash = userKey.indexOf('/');
        return DATA.truth.clusterOf(userKey.substring(0, slash), userKey.substring(slash + 1));
    }

    private static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static double jaccard(Set<String> a, Set<String> b) {
        int common = 0;
        for (String x : a.size() < b.size() ? a : b) {
            if ((a.size() < b.size() ? b : a).contains(x)) {
                common++;
            }
        }
        return (double) common / (a.size() + b.size() - common);
    }

    private static double sum(double[] values, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += values[i];
        }
        return s;
    }

    private static int argMax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
