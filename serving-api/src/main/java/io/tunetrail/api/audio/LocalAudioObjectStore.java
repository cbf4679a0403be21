package io.tunetrail.api.audio;

import io.tunetrail.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Audio kept in one folder per org under a root. Org ids may contain '/' and '.', so the folder is the URL-encoded id
 * (a single path segment that can never climb out of the root); every resolved path is checked to stay under it.
 */
public final class LocalAudioObjectStore implements AudioObjectStore {
    private final Path root;

    public LocalAudioObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String put(String orgId, String name, byte[] bytes) {
        Path target = resolve(orgId, name);
        try {
            Files.createDirectories(target.getParent());
            // Written aside and moved, so a reader never sees half a file.
            Path partial = target.resolveSibling(target.getFileName() + ".part");
            Files.write(partial, bytes);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw StoreException.unavailable("audio store", root.toString(), e);
        }
        return root.relativize(target).toString();
    }

    @Override
    public byte[] get(String orgId, String key) {
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(orgFolder(orgId)) || file.equals(orgFolder(orgId))) {
            throw new IllegalArgumentException("object '" + key + "' is not under the audio of org '" + orgId + "'");
        }
        try {
            return Files.readAllBytes(file);
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
        Path target = orgFolder(orgId).resolve(segment(name)).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new IllegalArgumentException("object '" + name + "' of org '" + orgId + "' would leave the audio store");
        }
        return target;
    }

    private Path orgFolder(String orgId) {
        Path folder = root.resolve(segment(orgId)).normalize();
        if (!folder.getParent().equals(root)) {
            throw new IllegalArgumentException("org '" + orgId + "' would leave the audio store");
        }
        return folder;
    }

    private static String segment(String id) {
        String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8);
        // URLEncoder keeps '.', so "." and ".." would still name the folder itself or its parent: a leading dot is
        // escaped, which is enough (no other segment of dots exists) and keeps an object's extension readable.
        return encoded.startsWith(".") ? "%2E" + encoded.substring(1) : encoded;
    }
}
