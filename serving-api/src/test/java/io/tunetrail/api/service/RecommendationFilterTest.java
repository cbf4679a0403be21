package io.tunetrail.api.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.service.RecommendationService.Item;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecommendationFilterTest {

    private static TrackCard card(String id, String artist, int year, double energy, String... genres) {
        double[] audio = new double[AudioFeature.values().length];
        audio[AudioFeature.ENERGY.ordinal()] = energy;
        return new TrackCard(id, "Title " + id, artist, artist == null ? null : "Name " + artist, null, year, 1000, 50, List.of(genres), audio);
    }

    private static Map<String, List<String>> query(String... pairs) {
        Map<String, List<String>> q = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            q.computeIfAbsent(pairs[i], k -> new java.util.ArrayList<>()).add(pairs[i + 1]);
        }
        return q;
    }

    private static List<String> ids(List<Item> items) {
        return items.stream().map(Item::trackId).toList();
    }

    private static final List<Item> LIST = List.of(new Item("a", 0.9, "r", "model"), new Item("b", 0.8, "r", "model"),
            new Item("c", 0.7, "r", "model"), new Item("d", 0.6, "r", "model"), new Item("x", 0.5, "r", "model"));
    private static final Map<String, TrackCard> CARDS = Map.of(
            "a", card("a", "art1", 2000, 0.2, "rock"), "b", card("b", "art1", 2026, 0.8, "jazz"),
            "c", card("c", "art2", 2010, 0.5, "pop"), "d", card("d", null, 2025, 0.9, "jazz", "pop"));

    @Test
    void noFilterParametersIsTheSharedNoneAndKeepsTheList() {
        assertThat(RecommendationFilter.parse(query("user_id", "u", "limit", "5"))).isSameAs(RecommendationFilter.NONE);
        assertThat(ids(RecommendationFilter.NONE.apply(LIST, null, Set.of("c"), 2026))).containsExactly("a", "b", "d", "x");
        assertThat(ids(RecommendationFilter.NONE.apply(LIST, CARDS, Set.of(), 2026))).as("x is not in the catalog: served as is")
                .containsExactly("a", "b", "c", "d", "x");
        assertThat(ids(RecommendationFilter.parse(query("max_energy", "1")).apply(LIST, CARDS, Set.of(), 2026)))
                .as("a filter cannot judge x").containsExactly("a", "b", "c", "d");
    }

    @Test
    void filtersBoostsAndCapApplyInOrder() {
        var f = RecommendationFilter.parse(query("exclude_genres", "pop", "min_energy", "0.1"));
        assertThat(ids(f.apply(LIST, CARDS, Set.of(), 2026))).containsExactly("a", "b");
        var boosted = RecommendationFilter.parse(query("boost_genres", "jazz", "boost_genre_weight", "10"));
        assertThat(ids(boosted.apply(LIST, CARDS, Set.of(), 2026))).containsExactly("b", "d", "a", "c");
        var recent = RecommendationFilter.parse(query("boost_recency", "10"));
        assertThat(ids(recent.apply(LIST, CARDS, Set.of(), 2026)).get(0)).isEqualTo("b");
        var capped = RecommendationFilter.parse(query("max_per_artist", "1"));
        assertThat(ids(capped.apply(LIST, CARDS, Set.of(), 2026))).as("d has no artist: uncapped").containsExactly("a", "c", "d");
        var artists = RecommendationFilter.parse(query("include_artists", "art1"));
        assertThat(ids(artists.apply(LIST, CARDS, Set.of("a"), 2026))).containsExactly("b");
        assertThat(RecommendationFilter.parse(query("exclude_seen", "false")).excludeSeen(true)).isFalse();
        assertThat(RecommendationFilter.parse(query("exclude_seen", "false")).needsCards()).isFalse();
    }

    @Test
    void badValuesNameTheirParameter() {
        String[][] bad = {{"max_energy", "1.5"}, {"min_tempo", "-1"}, {"boost_genre_weight", "11"}, {"max_per_artist", "x"},
            {"include_genres", "ok,"}, {"exclude_seen", "yes"}};
        for (String[] b : bad) {
            assertThatThrownBy(() -> RecommendationFilter.parse(query(b[0], b[1]))).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.field()).isEqualTo(b[0]));
        }
        assertThatThrownBy(() -> ItemFields.parse("title,bogus")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.field()).isEqualTo("fields"));
        assertThat(ItemFields.parse("").isEmpty()).isTrue();
        assertThat(ItemFields.parse(null)).isSameAs(ItemFields.DEFAULT);
    }
}
