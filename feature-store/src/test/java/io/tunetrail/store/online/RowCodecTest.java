package io.tunetrail.store.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RowCodecTest {

    @Test
    void everyTypeRoundTripsExactly() {
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (!Double.isFinite(d)) {
                continue;
            }
            Map<String, Object> values = sessionValues();
            values.put("minutes_listened_7d", d);
            values.put("sessions_7d", random.nextLong());
            FeatureRow row = new FeatureRow("u1", values);
            Map<String, String> hash = RowCodec.encode(FeatureViews.USER_SESSIONS, null, row);
            assertThat(RowCodec.decode(FeatureViews.USER_SESSIONS, "u1", hash)).isEqualTo(row);
        }
        FeatureRow recs = new FeatureRow("u1", Map.of("track_ids", List.of("t:1", "t/2"), "scores", List.of(0.1, 1e-300, -0.0),
                "model_version", "v1"));
        Map<String, String> hash = RowCodec.encode(FeatureViews.USER_RECOMMENDATIONS, "v1", recs);
        assertThat(hash).containsEntry("track_ids", "t:1,t/2").containsEntry("scores", "0.1,1.0E-300,-0.0");
        assertThat(RowCodec.decode(FeatureViews.USER_RECOMMENDATIONS, "u1", hash)).isEqualTo(recs);
    }

    @Test
    void emptyListsAndIntegersAreNormalised() {
        Map<String, Object> values = sessionValues();
        values.put("sessions_7d", 3);
        values.put("top_genres_7d", List.of());
        Map<String, String> hash = RowCodec.encode(FeatureViews.USER_SESSIONS, null, new FeatureRow("u", values));
        FeatureRow back = RowCodec.decode(FeatureViews.USER_SESSIONS, "u", hash);
        assertThat(back.getLong("sessions_7d")).isEqualTo(3L);
        assertThat(back.values().get("sessions_7d")).isInstanceOf(Long.class);
        assertThat(back.getIds("top_genres_7d")).isEmpty();
    }

    @Test
    void refusesRowsThatDoNotMatchTheSchema() {
        Map<String, Object> missing = sessionValues();
        missing.remove("skip_rate_7d");
        assertThatThrownBy(() -> RowCodec.encode(FeatureViews.USER_SESSIONS, null, new FeatureRow("u", missing)))
                .hasMessageContaining("lacks feature skip_rate_7d");
        Map<String, Object> extra = sessionValues();
        extra.put("mood", "happy");
        assertThatThrownBy(() -> RowCodec.encode(FeatureViews.USER_SESSIONS, null, new FeatureRow("u", extra)))
                .hasMessageContaining("does not declare");
        Map<String, Object> wrongType = sessionValues();
        wrongType.put("sessions_7d", "three");
        assertThatThrownBy(() -> RowCodec.encode(FeatureViews.USER_SESSIONS, null, new FeatureRow("u", wrongType)))
                .hasMessageContaining("must be INT64");
        Map<String, Object> nan = sessionValues();
        nan.put("skip_rate_7d", Double.NaN);
        assertThatThrownBy(() -> RowCodec.encode(FeatureViews.USER_SESSIONS, null, new FeatureRow("u", nan)))
                .hasMessageContaining("finite");
        Map<String, Object> comma = sessionValues();
        comma.put("recent_tracks", List.of("a,b"));
        assertThatThrownBy(() -> RowCodec.encode(FeatureViews.USER_SESSIONS, null, new FeatureRow("u", comma)))
                .hasMessageContaining("not a valid id");
        FeatureRow otherVersion = new FeatureRow("u", Map.of("track_ids", List.of(), "scores", List.of(), "model_version", "v1"));
        assertThatThrownBy(() -> RowCodec.encode(FeatureViews.USER_RECOMMENDATIONS, "v2", otherVersion))
                .hasMessageContaining("says model_version v1 but is written as version v2");
    }

    @Test
    void decodingIgnoresFieldsTheViewNoLongerDeclares() {
        Map<String, String> hash = RowCodec.encode(FeatureViews.USER_SESSIONS, null, new FeatureRow("u", sessionValues()));
        Map<String, String> old = new LinkedHashMap<>(hash);
        old.put("retired_feature", "1");
        old.remove("recent_tracks");
        FeatureRow row = RowCodec.decode(FeatureViews.USER_SESSIONS, "u", old);
        assertThat(row.has("retired_feature")).isFalse();
        assertThat(row.has("recent_tracks")).isFalse();
        assertThatThrownBy(() -> row.getIds("recent_tracks")).hasMessageContaining("has no feature recent_tracks");
    }

    static Map<String, Object> sessionValues() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("sessions_7d", 4L);
        v.put("minutes_listened_7d", 123.5);
        v.put("skip_rate_7d", 0.25);
        v.put("top_genres_7d", List.of("rock", "rock-a"));
        v.put("recent_tracks", List.of("t:1", "t:2", "t:3"));
        v.put("updated_at_ms", 1_795_000_000_000L);
        return v;
    }
}
