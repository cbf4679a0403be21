package io.tunetrail.api.auth;

import java.util.Locale;

/** What an API key may do: read data, write data, or administer the org (keys, teams, billing-side settings). */
public enum Scope {
    READ, WRITE, ADMIN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scope fromWire(String value) {
        for (Scope s : values()) {
            if (s.wireName().equals(value)) {
                return s;
            }
        }
        return null;
    }
}
