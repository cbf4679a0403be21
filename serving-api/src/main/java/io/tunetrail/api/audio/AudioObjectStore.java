package io.tunetrail.api.audio;

/**
 * Where uploaded audio is kept, under the org's prefix: the local filesystem ({@link LocalAudioObjectStore}) today, an
 * S3 bucket later. Keys are the store's own; callers keep them beside the analysis.
 */
public interface AudioObjectStore {
    /** Stores {@code bytes} as object {@code name} of the org; returns the key to read it back. */
    String put(String orgId, String name, byte[] bytes);

    /** The bytes of object {@code key} of the org, as {@link #put} returned it; a key outside the org's prefix is refused. */
    byte[] get(String orgId, String key);

    /** Removes every object of the org (its data is being deleted). */
    void deleteOrg(String orgId);
}
