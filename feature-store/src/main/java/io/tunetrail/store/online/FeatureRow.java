package io.tunetrail.store.online;

import io.tunetrail.store.StoreException;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The features of one entity of a view: what writers hand to {@link OnlineStore#writeBatch} and readers get back.
 *
 * <p>Values are in their Java types: {@code Long} (INT64), {@code Double} (FLOAT64), {@code String},
 * {@code List<String>} (ID_LIST), {@code List<Double>} (FLOAT64_LIST). A write must give every feature of the view;
 * a read returns the features the stored row has.
 */
public record FeatureRow(String entityId, Map<String, Object> values) implements Serializable {

    public FeatureRow {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public boolean has(String feature) {
        return values.containsKey(feature);
    }

    public long getLong(String feature) {
        return ((Number) get(feature)).longValue();
    }

    public double getDouble(String feature) {
        return ((Number) get(feature)).doubleValue();
    }

    public String getString(String feature) {
        return (String) get(feature);
    }

    @SuppressWarnings("unchecked")
    public List<String> getIds(String feature) {
        return (List<String>) get(feature);
    }

    @SuppressWarnings("unchecked")
    public List<Double> getDoubles(String feature) {
        return (List<Double>) get(feature);
    }

    private Object get(String feature) {
        Object v = values.get(feature);
        if (v == null) {
            throw StoreException.invalid("row " + entityId + " has no feature " + feature,
                    "Check has(\"" + feature + "\") first: rows written with an older schema may lack it");
        }
        return v;
    }
}
