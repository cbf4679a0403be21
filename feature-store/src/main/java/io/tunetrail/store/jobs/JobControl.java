package io.tunetrail.store.jobs;

import java.util.ArrayList;
import java.util.List;

/**
 * Between a running job and its worker: the job reports progress here (sent with the next heartbeat) and learns that
 * it should stop (cancelled through the API, lease lost, worker shutting down).
 */
public final class JobControl {
    /** Why a job was asked to stop. */
    public enum Stop { CANCELLED, LOST, SHUTDOWN }

    private final List<Runnable> onStop = new ArrayList<>();
    private volatile Stop stop;
    private volatile String stage;
    private volatile Integer percent;

    /** Records what the job is doing and how far it is (0..100). */
    public void progress(String stage, int percent) {
        this.stage = stage;
        this.percent = Math.max(0, Math.min(100, percent));
    }

    public String stage() {
        return stage;
    }

    public Integer percent() {
        return percent;
    }

    /** True once the job should stop. */
    public boolean stopping() {
        return stop != null;
    }

    public Stop stop() {
        return stop;
    }

    /** Runs {@code action} when a stop is asked for (at once if one already was): e.g. cancel the engine's work. */
    public void onStop(Runnable action) {
        boolean now;
        synchronized (onStop) {
            now = stop != null;
            if (!now) {
                onStop.add(action);
            }
        }
        if (now) {
            action.run();
        }
    }

    /** Asks the job to stop; the first reason wins. */
    public void requestStop(Stop reason) {
        List<Runnable> actions;
        synchronized (onStop) {
            if (stop != null) {
                return;
            }
            stop = reason;
            actions = List.copyOf(onStop);
        }
        actions.forEach(Runnable::run);
    }
}
