package io.tunetrail.store.online;

import io.tunetrail.store.StoreException;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A group of features about one kind of entity, stored and expired together: the unit of the feature store, as in
 * feast ({@code FeatureView}: name, entity, TTL, schema, online flag).
 *
 * <p>The {@link Layout} says how the online store keeps the rows (see {@code feature-store/KEYS.md}). The TTL is how
 * long a row stays readable after it was last written (for {@link Layout#COUNTER} views: after its period ended); a
 * row older than that is gone, and readers treat it as "no data". Views are immutable values and serialisable, so a
 * Flink operator or Spark closure can carry one. The platform's views are in {@link FeatureViews}.
 */
public record FeatureView(
        String name, Entity entity, Duration ttl, List<Feature> features, boolean online, Layout layout, String description)
        implements Serializable {

    /** How the online store keeps a view's rows. */
    public enum Layout {
        /** One row per entity, overwritten by each write (session features). */
        LATEST,
        /**
         * One row per entity per model version; readers see the version an {@code active} pointer names, and a new
         * version becomes visible all at once when the pointer is flipped (recommendations, similar tracks).
         */
        VERSIONED,
        /** Counters per resource per UTC day and month, incremented rather than written (usage quotas). */
        COUNTER
    }

    /** The feature a {@link Layout#VERSIONED} view must have: the version of the model that produced the row. */
    public static final String MODEL_VERSION = "model_version";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    public FeatureView {
        if (name == null || !NAME.matcher(name).matches()) {
            throw StoreException.invalid("feature view name '" + name + "' is not snake_case",
                    "Use [a-z][a-z0-9_]*, at most 64 characters: it is a segment of Redis keys");
        }
        if (entity == null || layout == null) {
            throw StoreException.invalid("feature view " + name + " lacks an entity or a layout", "Give both");
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.toMillis() < 1000) {
            throw StoreException.invalid("feature view " + name + " has TTL " + ttl,
                    "Give a TTL of at least one second: online rows must expire, or Redis only ever grows");
        }
        if (features == null || features.isEmpty()) {
            throw StoreException.invalid("feature view " + name + " has no features", "Declare at least one Feature");
        }
        features = List.copyOf(features);
        Set<String> names = new HashSet<>();
        for (Feature f : features) {
            if (!names.add(f.name())) {
                throw StoreException.invalid("feature view " + name + " declares feature " + f.name() + " twice", "Rename or remove one");
            }
        }
        if (layout == Layout.VERSIONED && !names.contains(MODEL_VERSION)) {
            throw StoreException.invalid("versioned feature view " + name + " has no feature " + MODEL_VERSION,
                    "Add Feature(\"" + MODEL_VERSION + "\", STRING): readers must be able to tell which model a row came from");
        }
        if (layout == Layout.COUNTER && entity != Entity.ORG) {
            throw StoreException.invalid("counter view " + name + " has entity " + entity,
                    "Counters are kept per org and resource: use Entity.ORG");
        }
        description = description == null ? "" : description;
    }

    public Optional<Feature> feature(String featureName) {
        return features.stream().filter(f -> f.name().equals(featureName)).findFirst();
    }

    public List<String> featureNames() {
        return features.stream().map(Feature::name).toList();
    }

    public boolean versioned() {
        return layout == Layout.VERSIONED;
    }
}
