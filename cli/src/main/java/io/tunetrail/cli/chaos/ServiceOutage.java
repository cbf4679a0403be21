package io.tunetrail.cli.chaos;

import io.tunetrail.cli.stack.LocalStack;
import io.tunetrail.model.PlatformConfig;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One service of the stack a scenario stops and starts again while its load runs, marking the load's phases:
 * "stopping", then "down" once it is stopped; "starting", then the caller's next phase once it answers again.
 */
final class ServiceOutage {
    private final LocalStack stack;
    private final String service;
    private final Consumer<String> progress;

    /** {@code service} is the stack's name for it: redis, postgres or kafka. */
    ServiceOutage(PlatformConfig config, String service, Consumer<String> progress) {
        this.stack = new LocalStack(config, line -> progress.accept("  " + line.strip()));
        this.service = service;
        this.progress = progress;
    }

    /** Stops the service; returns when it is down (System.nanoTime()). */
    long stop(BackgroundLoad load) {
        load.phase("stopping");
        long down = stop();
        load.phase("down");
        return down;
    }

    long stop() {
        progress.accept("stopping " + service);
        stack.stop(Set.of(service));
        return System.nanoTime();
    }

    /** Starts it again; returns when it answers (System.nanoTime()), the load then in phase {@code next}. */
    long start(BackgroundLoad load, String next) {
        load.phase("starting");
        long up = start();
        load.phase(next);
        return up;
    }

    long start() {
        progress.accept("starting " + service + " again");
        stack.start();
        return System.nanoTime();
    }

    /** Starts whatever of the stack is not running: how a scenario leaves the stack, whatever happened. */
    void restoreStack() {
        stack.start();
    }
}
