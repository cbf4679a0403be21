package io.tunetrail.audio;

/**
 * Audio the analyser refuses, with a reason a caller maps to its own error (the API to 400/413/415/422, the CLI to one
 * line). The message says what was wrong; for {@link Reason#UNDECODABLE} it carries the decoder's own words.
 */
public final class AudioInputException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the audio was refused. */
    public enum Reason {
        /** No bytes at all. */
        EMPTY,
        /** Not a container or codec the analyser reads (by magic bytes, whatever the caller claimed). */
        UNSUPPORTED_MEDIA,
        /** A supported container whose content is corrupt or truncated. */
        UNDECODABLE,
        /** More bytes than {@link AudioLimits#maxBytes()}. */
        TOO_LARGE,
        /** Longer than {@link AudioLimits#maxSeconds()}. */
        TOO_LONG
    }

    private final Reason reason;

    public AudioInputException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public AudioInputException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
