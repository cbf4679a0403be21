package io.tunetrail.store.audio;

/**
 * Where uploaded and registered audio is kept, under the org's prefix ({@link AudioObjectKeys}): a local folder
 * ({@link LocalAudioObjectStore}) or an S3 bucket ({@link S3AudioObjectStore}), chosen by {@code audio.store}
 * ({@link AudioStoreSettings#open}). The API, {@code ./tunetrail analyze} and the nightly job all go through it.
 */
public interface AudioObjectStore extends AutoCloseable {
    /** Stores {@code bytes} as object {@code name} of the org; returns the key to read it back. */
    String put(String orgId, String name, byte[] bytes);

    /**
     * The bytes of object {@code key} of the org, as {@link #put} returned it. A key of another org or of another shape
     * is refused before the store is asked; an object larger than the store's read bound is refused without reading it
     * all into memory.
     */
    byte[] get(String orgId, String key);

    /** Removes every object of the org (its data is being deleted); an org without objects is no error. */
    void deleteOrg(String orgId);

    /** Releases the store's connections; a local store has none. */
    @Override
    default void close() {}
}
