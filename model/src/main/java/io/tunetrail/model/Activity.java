package io.tunetrail.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What the listener was doing, as reported by the client app; {@link #NONE} when unknown. */
public enum Activity {
    WORKOUT, STUDY, SLEEP, COMMUTE, PARTY, NONE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Activity fromWire(String value) {
        for (Activity a : values()) {
            if (a.wireName().equals(value)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activity '" + value + "'");
    }
}
