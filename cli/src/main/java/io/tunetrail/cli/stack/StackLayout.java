package io.tunetrail.cli.stack;

import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the local stack keeps its files, all under the configured home directory. */
record StackLayout(Path home, PlatformConfig config) {

    static StackLayout of(PlatformConfig config) {
        return new StackLayout(config.home(), config);
    }

    Path kafka() {
        return home.resolve("kafka");
    }

    Path postgres() {
        return home.resolve("postgres");
    }

    Path redis() {
        return home.resolve("redis");
    }

    Path logs() {
        return home.resolve("logs");
    }

    /** Held while starting or stopping, so two commands never race on the same processes. */
    Path lockFile() {
        return home.resolve("stack.lock");
    }

    void createDirectories() throws IOException {
        Files.createDirectories(logs());
        Files.createDirectories(kafka());
        Files.createDirectories(postgres());
        Files.createDirectories(redis());
    }
}
