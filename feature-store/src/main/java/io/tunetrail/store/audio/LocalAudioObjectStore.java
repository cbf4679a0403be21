package io.tunetrail.store.audio;

import io.tunetrail.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Audio kept in one folder per org under a root: the object key ({@link AudioObjectKeys}) is the file's path relative
 * to the root, and every resolved path is checked again to stay in the org's folder.
 */
public final class LocalAudioObjectStore implements AudioObjectStore {
    private final Path root;
    private final long maxReadBytes;

    public LocalAudioObjectStore(Path root, long maxReadBytes) {
        this.root = root.toAbsolutePath().normalize();
        this.maxReadBytes = maxReadBytes;
    }

    @Override
    public String put(String orgId, String name, byte[] bytes) {
        String key = AudioObjectKeys.key(orgId, name);
        Path target = inOrgFolder(orgId, key);
        try {
            Files.createDirectories(target.getParent());
            // Written aside and moved, so a reader never sees half a file.
            Path partial = target.resolveSibling(target.getFileName() + ".part");
            Files.write(partial, bytes);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw StoreException.unavailable("audio store", root.toString(), e);
        }
        return key;
    }

    @Override
    public byte[] get(String orgId, String key) {
        Path file = inOrgFolder(orgId, AudioObjectKeys.requireOfOrg(orgId, key));
        try {
            long size = Files.size(file);
            if (size > maxReadBytes) {
                throw AudioStoreSettings.tooLarge(key, size, maxReadBytes);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw StoreException.notFound("audio object '" + key + "' does not exist", "Upload or register the audio again");
        } catch (IOException e) {
            throw StoreException.unavailable("audio store", root.toString(), e);
        }
    }

    @Override
    public void deleteOrg(String orgId) {
        Path folder = orgFolder(orgId);
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw StoreException.unavailable("audio store", root.toString(), e);
        }
    }

    /** The file of object {@code name} of the org (tests read it back). */
    public Path resolve(String orgId, String name) {
        return inOrgFolder(orgId, AudioObjectKeys.key(orgId, name));
    }

    // The key rule already keeps a key in one segment under the org's; the path check is the second lock.
    private Path inOrgFolder(String orgId, String key) {
        Path folder = orgFolder(orgId);
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(folder) || !file.getParent().equals(folder)) {
            throw StoreException.invalid("audio object '" + key + "' of org '" + orgId + "' would leave the org's folder",
                    "Use a key the audio store returned for this org");
        }
        return file;
    }

    private Path orgFolder(String orgId) {
        Path folder = root.resolve(AudioObjectKeys.segment(orgId)).normalize();
        if (!root.equals(folder.getParent())) {
            throw StoreException.invalid("org '" + orgId + "' would leave the audio store", "Org ids are single path segments");
        }
        return folder;
    }
}
