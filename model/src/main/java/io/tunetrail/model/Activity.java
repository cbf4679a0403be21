package io.tunetrail.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Map;

/** What the listener was doing, as reported by the client app; {@link #NONE} when unknown. */
public enum Activity {
    WORKOUT, STUDY, SLEEP, COMMUTE, PARTY, NONE;

    private final String wireName = name().toLowerCase(Locale.ROOT);
    private static final Map<String, Activity> BY_WIRE_NAME = WireNames.index(values(), Activity::wireName);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static Activity fromWire(String value) {
        Activity a = BY_WIRE_NAME.get(value);
        if (a == null) {
            throw new IllegalArgumentException("unknown activity '" + value + "'");
        }
        return a;
    }

    /** The value of this wire name, or {@code null}. */
    static Activity byWireName(String value) {
        return BY_WIRE_NAME.get(value);
    }
}
