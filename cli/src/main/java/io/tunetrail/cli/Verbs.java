package io.tunetrail.cli;

import java.util.List;

/** The verbs of {@code ./tunetrail}, in the order {@code --help} lists them. */
final class Verbs {
    private Verbs() {}

    static List<Object> all() {
        return List.of();
    }
}
