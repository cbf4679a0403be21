package io.tunetrail.store.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.store.StoreException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureViewTest {
    private static final List<Feature> ONE = List.of(new Feature("x", ValueType.INT64, ""));

    @Test
    void theShippedViewsAreValidAndNamedUniquely() {
        assertThat(FeatureViews.all()).extracting(FeatureView::name)
                .containsExactly("user_sessions", "user_recommendations", "similar_tracks", "org_usage");
        assertThat(new HashSet<>(FeatureViews.all())).hasSize(4);
        assertThat(FeatureViews.byName("similar_tracks")).isSameAs(FeatureViews.SIMILAR_TRACKS);
        assertThat(FeatureViews.USER_SESSIONS.featureNames())
                .contains("sessions_7d", "minutes_listened_7d", "skip_rate_7d", "top_genres_7d", "recent_tracks");
        assertThat(FeatureViews.USER_RECOMMENDATIONS.versioned()).isTrue();
        assertThat(FeatureViews.ORG_USAGE.layout()).isEqualTo(FeatureView.Layout.COUNTER);
        assertThatThrownBy(() -> FeatureViews.byName("nope")).hasMessageContaining("Known views: [user_sessions");
    }

    @Test
    void refusesViewsTheStoreCouldNotKeep() {
        assertThatThrownBy(() -> view("Bad-Name", Entity.USER, Duration.ofDays(1), ONE, FeatureView.Layout.LATEST))
                .isInstanceOf(StoreException.class).hasMessageContaining("snake_case");
        assertThatThrownBy(() -> view("v", Entity.USER, Duration.ZERO, ONE, FeatureView.Layout.LATEST))
                .hasMessageContaining("TTL");
        assertThatThrownBy(() -> view("v", Entity.USER, null, ONE, FeatureView.Layout.LATEST)).hasMessageContaining("TTL");
        assertThatThrownBy(() -> view("v", Entity.USER, Duration.ofDays(1), List.of(), FeatureView.Layout.LATEST))
                .hasMessageContaining("no features");
        assertThatThrownBy(() -> view("v", Entity.USER, Duration.ofDays(1),
                List.of(new Feature("x", ValueType.INT64, ""), new Feature("x", ValueType.STRING, "")), FeatureView.Layout.LATEST))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> view("v", Entity.USER, Duration.ofDays(1), ONE, FeatureView.Layout.VERSIONED))
                .hasMessageContaining("model_version");
        assertThatThrownBy(() -> view("v", Entity.USER, Duration.ofDays(1), ONE, FeatureView.Layout.COUNTER))
                .hasMessageContaining("Entity.ORG");
        assertThatThrownBy(() -> new Feature("Has Space", ValueType.INT64, "")).hasMessageContaining("snake_case");
    }

    @Test
    void viewsAndRowsSurviveJavaSerialisation() throws Exception {
        // Flink operators and Spark closures carry them.
        FeatureRow row = new FeatureRow("u1", java.util.Map.of("track_ids", List.of("a", "b"), "scores", List.of(1.0, 0.5),
                "model_version", "v1"));
        assertThat(roundTrip(FeatureViews.USER_RECOMMENDATIONS)).isEqualTo(FeatureViews.USER_RECOMMENDATIONS);
        assertThat(roundTrip(row)).isEqualTo(row);
    }

    private static FeatureView view(String name, Entity entity, Duration ttl, List<Feature> features, FeatureView.Layout layout) {
        return new FeatureView(name, entity, ttl, features, true, layout, "");
    }

    private static Object roundTrip(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
