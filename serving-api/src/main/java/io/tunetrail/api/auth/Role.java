package io.tunetrail.api.auth;

import java.util.Locale;

/**
 * A member's role in the org, lowest first. A key belonging to a member acts with that member's role; an org key
 * (no member: made by the operator with {@code tunetrail admin key create}) acts as {@link #OWNER}, since whoever
 * runs the CLI against the database stands above the org's own people.
 */
public enum Role {
    MEMBER, ADMIN, OWNER;

    public boolean atLeast(Role required) {
        return ordinal() >= required.ordinal();
    }

    /**
     * The highest scope a key of this role acts with: a member reads and writes data, administration (keys, teams,
     * webhooks, policies) is for admins and owners. A key's stored scopes above it are ignored, so a demotion takes
     * effect on the member's existing keys without touching them.
     */
    public Scope maxScope() {
        return this == MEMBER ? Scope.WRITE : Scope.ADMIN;
    }

    /** Whether a key of this role may act with {@code scope}. */
    public boolean allows(Scope scope) {
        return scope.ordinal() <= maxScope().ordinal();
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role of a {@code members.role} value; null for anything else. */
    public static Role fromWire(String value) {
        for (Role r : values()) {
            if (r.wireName().equals(value)) {
                return r;
            }
        }
        return null;
    }
}
