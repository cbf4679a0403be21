package io.tunetrail.store.online;

import io.tunetrail.store.StoreException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Rows to Redis hash fields and back, checked against the view's schema. Package-private: a detail of the store. */
final class RowCodec {
    private RowCodec() {}

    /** Every feature of the view, typed and encoded; extra or missing features are errors. */
    static Map<String, String> encode(FeatureView view, String version, FeatureRow row) {
        for (String name : row.values().keySet()) {
            if (view.feature(name).isEmpty()) {
                throw StoreException.invalid("row " + row.entityId() + " has feature " + name + ", which view " + view.name()
                        + " does not declare", "Declared features: " + view.featureNames());
            }
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Feature f : view.features()) {
            if (!row.has(f.name())) {
                throw StoreException.invalid("row " + row.entityId() + " of view " + view.name() + " lacks feature " + f.name(),
                        "Write every feature of the view: a row replaces the previous one field by field");
            }
            Object value = f.type().normalise(f.name(), row.values().get(f.name()));
            fields.put(f.name(), f.type().encode(value));
        }
        if (view.versioned() && !version.equals(fields.get(FeatureView.MODEL_VERSION))) {
            throw StoreException.invalid("row " + row.entityId() + " says model_version " + fields.get(FeatureView.MODEL_VERSION)
                    + " but is written as version " + version, "Write each model's rows under its own version");
        }
        return fields;
    }

    /** The declared features present in a stored hash; fields the view no longer declares are ignored. */
    static FeatureRow decode(FeatureView view, String entityId, Map<String, String> hash) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Feature f : view.features()) {
            String text = hash.get(f.name());
            if (text != null) {
                values.put(f.name(), f.type().decode(f.name(), text));
            }
        }
        return new FeatureRow(entityId, values);
    }
}
