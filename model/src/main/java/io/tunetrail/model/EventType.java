package io.tunetrail.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a listener did with a track. The wire form is the lower-case name ({@code add_to_playlist}). */
public enum EventType {
    PLAY, SKIP, LIKE, DISLIKE, ADD_TO_PLAYLIST, COMPLETE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static EventType fromWire(String value) {
        for (EventType t : values()) {
            if (t.wireName().equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown event_type '" + value + "'");
    }

    /** True for signals that the listener did not want the track (negative confidence in training). */
    public boolean isNegative() {
        return this == SKIP || this == DISLIKE;
    }
}
