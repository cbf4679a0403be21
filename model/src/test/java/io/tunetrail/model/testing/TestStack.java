package io.tunetrail.model.testing;

import io.tunetrail.model.PlatformConfig;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Shared by every module's integration tests ({@code *IT}): the configuration of the stack that
 * {@code ./tunetrail test} started (taken from the environment, like the apps), with names made unique per test class
 * so ITs never see each other's data.
 */
public final class TestStack {
    private TestStack() {}

    /** The stack's configuration plus {@code overrides} (keys by name). */
    public static PlatformConfig config(Map<String, String> overrides) {
        return PlatformConfig.load(System.getenv(), overrides);
    }

    /** The stack's configuration with fresh topic names ({@code it-<prefix>-<random>-interactions}, ...). */
    public static PlatformConfig withFreshTopics(String prefix) {
        return withFreshTopics(prefix, Map.of());
    }

    /** {@link #withFreshTopics(String)} plus {@code overrides} (keys by name; topic names stay fresh). */
    public static PlatformConfig withFreshTopics(String prefix, Map<String, String> overrides) {
        String unique = "it-" + prefix.toLowerCase(Locale.ROOT) + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> all = new HashMap<>(overrides);
        // Every topic, the streaming jobs' result topics too: a test must never read or write the stack's own.
        all.put(PlatformConfig.TOPIC_INTERACTIONS.name(), unique + "-interactions");
        all.put(PlatformConfig.TOPIC_USAGE.name(), unique + "-usage");
        all.put(PlatformConfig.TOPIC_DEAD_LETTER.name(), unique + "-dead-letter");
        all.put(PlatformConfig.TOPIC_USAGE_HOURLY.name(), unique + "-usage-hourly");
        all.put(PlatformConfig.TOPIC_USAGE_DAILY.name(), unique + "-usage-daily");
        all.put(PlatformConfig.TOPIC_SESSIONS.name(), unique + "-sessions");
        return config(all);
    }
}
