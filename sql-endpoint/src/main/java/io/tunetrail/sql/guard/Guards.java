package io.tunetrail.sql.guard;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Where the engine's rules find the running endpoint's {@link SessionDirectory}. Spark creates its session extensions
 * by class name, so the server registers itself here before any session exists. Without a registration every
 * session is {@link SessionAccount#UNKNOWN}: the rules fail closed.
 */
public final class Guards {
    private static final AtomicReference<SessionDirectory> DIRECTORY = new AtomicReference<>();

    private Guards() {}

    public static void install(SessionDirectory directory) {
        DIRECTORY.set(directory);
    }

    public static void uninstall(SessionDirectory directory) {
        DIRECTORY.compareAndSet(directory, null);
    }

    static SessionDirectory directory() {
        return DIRECTORY.get();
    }

    static SessionAccount accountOf(org.apache.spark.sql.SparkSession session) {
        SessionDirectory d = DIRECTORY.get();
        return d == null ? SessionAccount.UNKNOWN : d.accountOf(session);
    }
}
