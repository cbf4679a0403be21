package io.tunetrail.streaming;

import io.tunetrail.model.PlatformConfig;

/** Placeholder replaced below. */
final class StreamingBench {
    private StreamingBench() {}

    static void run(PlatformConfig config, long events) {
        throw new UnsupportedOperationException("bench not built yet");
    }
}
