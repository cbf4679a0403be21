package io.tunetrail.cli.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The assertions of one scenario run: each reported as it is checked, the failed ones named in the outcome. */
final class Checks {
    private final Consumer<String> progress;
    private final List<String> failed = new ArrayList<>();

    Checks(Consumer<String> progress) {
        this.progress = progress;
    }

    /** Records whether {@code expectation} held; {@code actual} says what was seen. */
    void that(boolean held, String expectation, Object actual) {
        progress.accept((held ? "  ok      " : "  FAILED  ") + expectation + " (" + actual + ")");
        if (!held) {
            failed.add(expectation + " (" + actual + ")");
        }
    }

    ChaosScenario.Outcome outcome(String platformDid, String measured) {
        return new ChaosScenario.Outcome(failed.isEmpty(), platformDid,
                failed.isEmpty() ? measured : measured + "; FAILED: " + String.join("; ", failed));
    }
}
