package io.tunetrail.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The kind of device the listening happened on. */
public enum Device {
    MOBILE, DESKTOP, WEB, SPEAKER, CAR, TV, OTHER;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Device fromWire(String value) {
        for (Device d : values()) {
            if (d.wireName().equals(value)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown device '" + value + "'");
    }
}
