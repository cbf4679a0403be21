package io.tunetrail.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Map;

/** The kind of device the listening happened on. */
public enum Device {
    MOBILE, DESKTOP, WEB, SPEAKER, CAR, TV, OTHER;

    private final String wireName = name().toLowerCase(Locale.ROOT);
    private static final Map<String, Device> BY_WIRE_NAME = WireNames.index(values(), Device::wireName);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static Device fromWire(String value) {
        Device d = BY_WIRE_NAME.get(value);
        if (d == null) {
            throw new IllegalArgumentException("unknown device '" + value + "'");
        }
        return d;
    }

    /** The value of this wire name, or {@code null}. */
    static Device byWireName(String value) {
        return BY_WIRE_NAME.get(value);
    }
}
