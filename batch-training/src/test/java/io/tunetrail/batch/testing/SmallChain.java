package io.tunetrail.batch.testing;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.testing.FreshDatabase;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The configuration ITs run the nightly chain with: their own database and offline store, a model small enough to fit fast. */
public final class SmallChain {
    private SmallChain() {}

    /** The stack's configuration on {@code db} and {@code store}, ALS rank 8 with 5 iterations, top 10, similar top 5, plus {@code extra}. */
    public static PlatformConfig config(FreshDatabase db, Path store, Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put(PlatformConfig.POSTGRES_DATABASE.name(), db.name());
        overrides.put(PlatformConfig.OFFLINE_STORE.name(), store.toString());
        overrides.put(PlatformConfig.ALS_RANK.name(), "8");
        overrides.put(PlatformConfig.ALS_ITERATIONS.name(), "5");
        overrides.put(PlatformConfig.ALS_TOP_N.name(), "10");
        overrides.put(PlatformConfig.SIMILARITY_TOP_K.name(), "5");
        overrides.putAll(extra);
        return TestStack.config(overrides);
    }
}
