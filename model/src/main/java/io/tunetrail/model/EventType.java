package io.tunetrail.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Map;

/** What a listener did with a track. The wire form is the lower-case name ({@code add_to_playlist}). */
public enum EventType {
    PLAY, SKIP, LIKE, DISLIKE, ADD_TO_PLAYLIST, COMPLETE;

    private final String wireName = name().toLowerCase(Locale.ROOT);
    private static final Map<String, EventType> BY_WIRE_NAME = WireNames.index(values(), EventType::wireName);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static EventType fromWire(String value) {
        EventType t = BY_WIRE_NAME.get(value);
        if (t == null) {
            throw new IllegalArgumentException("unknown event_type '" + value + "'");
        }
        return t;
    }

    /** The value of this wire name, or {@code null}. */
    static EventType byWireName(String value) {
        return BY_WIRE_NAME.get(value);
    }

    /** True for signals that the listener did not want the track (negative confidence in training). */
    public boolean isNegative() {
        return this == SKIP || this == DISLIKE;
    }
}
