package io.tunetrail.batch.als;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.signum;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.tunetrail.model.EventType;
import io.tunetrail.model.PlatformConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Turns listening events into one implicit-feedback preference per listener and track, the input of implicit ALS.
 *
 * <p>Each event weighs {@code weight(event_type) * count} ({@code count} > 1 for aggregated history imports such as
 * Last.fm's play counts). The weights are summed per (org, listener, track): plays, completions, likes and playlist
 * adds push the sum up, skips and dislikes push it down. A negative sum is kept: Spark's implicit ALS reads the sign
 * as the preference (wanted or not) and {@code 1 + alpha * |sum|} as the confidence, so a track a listener skips every
 * time is learnt as "not this", strongly. With log scaling the sum becomes {@code sign(s) * ln(1 + |s|)}: play counts
 * are heavy-tailed and one obsessively replayed track would otherwise dominate a listener's factors. A pair whose
 * events cancel out (sum 0) carries no information and is dropped.
 */
public final class Preferences {
    /** Output columns: {@code org_id, user_id, track_id, preference, events}. */
    public static final String PREFERENCE = "preference";

    private final Map<EventType, Double> weights;
    private final boolean logScale;

    public Preferences(Map<EventType, Double> weights, boolean logScale) {
        this.weights = Map.copyOf(weights);
        this.logScale = logScale;
    }

    public static Preferences from(PlatformConfig config) {
        return new Preferences(parseWeights(config.get(PlatformConfig.ALS_CONFIDENCE_WEIGHTS)),
                config.getBoolean(PlatformConfig.ALS_LOG_SCALE));
    }

    /** Parses {@code play:1,skip:-1}; fails naming the key and the bad entry. */
    public static Map<EventType, Double> parseWeights(String text) {
        Map<EventType, Double> out = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.indexOf(':');
            try {
                if (colon < 0) {
                    throw new IllegalArgumentException("no ':'");
                }
                out.put(EventType.fromWire(e.substring(0, colon).trim().toLowerCase(Locale.ROOT)),
                        Double.parseDouble(e.substring(colon + 1).trim()));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("configuration key " + PlatformConfig.ALS_CONFIDENCE_WEIGHTS.describe()
                        + ": bad entry '" + e + "' (" + ex.getMessage() + "); expected event_type:weight, e.g. play:1,skip:-1");
            }
        }
        return out;
    }

    public Map<EventType, Double> weights() {
        return weights;
    }

    /**
     * One row per (org, listener, track) with a non-zero preference, from rows with {@code org_id, user_id, track_id,
     * event_type} and optionally {@code count} (1 when absent or null).
     */
    public Dataset<Row> compute(Dataset<Row> interactions) {
        Column weight = lit(0.0);
        for (Map.Entry<EventType, Double> w : weights.entrySet()) {
            weight = when(col("event_type").equalTo(w.getKey().wireName()), lit(w.getValue())).otherwise(weight);
        }
        Column times = java.util.Arrays.asList(interactions.columns()).contains("count")
                ? when(col("count").isNull(), lit(1)).otherwise(col("count")) : lit(1);
        Column s = col("raw");
        Column preference = logScale ? signum(s).multiply(log1p(abs(s))) : s;
        return interactions
                .groupBy("org_id", "user_id", "track_id")
                .agg(sum(weight.multiply(times)).as("raw"), count(lit(1)).as("events"))
                .filter(col("raw").notEqual(0))
                .select(col("org_id"), col("user_id"), col("track_id"), preference.as(PREFERENCE), col("events"));
    }
}
