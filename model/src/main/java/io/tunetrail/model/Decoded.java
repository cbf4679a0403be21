package io.tunetrail.model;

import java.util.Objects;

/** The outcome of decoding one record: either the event, or the reason it was refused. */
public final class Decoded<T> {
    private final T value;
    private final RejectReason code;
    private final String reason;

    private Decoded(T value, RejectReason code, String reason) {
        this.value = value;
        this.code = code;
        this.reason = reason;
    }

    public static <T> Decoded<T> accepted(T value) {
        return new Decoded<>(Objects.requireNonNull(value), null, null);
    }

    public static <T> Decoded<T> rejected(RejectReason code, String reason) {
        return new Decoded<>(null, Objects.requireNonNull(code), Objects.requireNonNull(reason));
    }

    public boolean isAccepted() {
        return value != null;
    }

    /** The event; only for an accepted record. */
    public T value() {
        if (value == null) {
            throw new IllegalStateException("rejected record has no value: " + code + " " + reason);
        }
        return value;
    }

    /** The reject code; null for an accepted record. */
    public RejectReason code() {
        return code;
    }

    /** One line saying what was wrong; null for an accepted record. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return isAccepted() ? "accepted(" + value + ")" : "rejected(" + code + ": " + reason + ")";
    }
}
