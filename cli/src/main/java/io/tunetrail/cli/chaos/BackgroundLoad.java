package io.tunetrail.cli.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Requests sent at a steady pace while a scenario breaks something: one thread per route, each reply kept with the
 * phase of the scenario it was sent in ("before", "down", "after", ...), so the scenario can hold each phase to its
 * own expectations.
 */
final class BackgroundLoad {
    /** One route of the load: a name for the report and the request. */
    record Route(String name, Supplier<ChaosApi.Reply> send) {}

    /** One reply, with the route and the phase it was sent in. */
    record Sample(String phase, String route, ChaosApi.Reply reply) {}

    private static final int BURST_THREADS = 8;

    private final AtomicReference<String> phase = new AtomicReference<>("before");
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    /** Starts sending each route's request {@code perSecond} times a second (less when answers take longer). */
    BackgroundLoad(List<Route> routes, double perSecond) {
        long intervalNanos = (long) (1e9 / perSecond);
        for (Route route : routes) {
            Thread t = new Thread(() -> {
                long next = System.nanoTime();
                while (running) {
                    String sentIn = phase.get();
                    samples.add(new Sample(sentIn, route.name(), route.send().get()));
                    next += intervalNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } catch (InterruptedException e) {
                            return;
                        }
                    } else {
                        next = System.nanoTime();
                    }
                }
            }, "chaos-load-" + route.name());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Requests sent from now on belong to {@code name}. */
    void phase(String name) {
        phase.set(name);
    }

    /** Stops sending, waits for the last answers and returns every sample. */
    List<Sample> stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(ChaosApi.REQUEST_TIMEOUT.toMillis() + 5_000);
        }
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** {@code n} requests from {@link #BURST_THREADS} threads, each sent as soon as a thread is free: the replies. */
    static List<ChaosApi.Reply> atOnce(int n, Supplier<ChaosApi.Reply> send) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(BURST_THREADS);
        try {
            List<Future<ChaosApi.Reply>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sent.add(pool.submit(send::get));
            }
            List<ChaosApi.Reply> out = new ArrayList<>();
            for (Future<ChaosApi.Reply> f : sent) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The replies of {@code samples} in {@code phase} for {@code route}. */
    static List<ChaosApi.Reply> replies(List<Sample> samples, String phase, String route) {
        return samples.stream().filter(s -> s.phase().equals(phase) && s.route().equals(route)).map(Sample::reply).toList();
    }

    static long count(List<ChaosApi.Reply> replies, Predicate<ChaosApi.Reply> which) {
        return replies.stream().filter(which).count();
    }

    static long percentileMillis(List<ChaosApi.Reply> replies, int p) {
        long[] ms = replies.stream().mapToLong(ChaosApi.Reply::millis).sorted().toArray();
        return ms.length == 0 ? 0 : ms[Math.max(0, (int) Math.ceil(p / 100.0 * ms.length) - 1)];
    }

    static long maxMillis(List<ChaosApi.Reply> replies) {
        return replies.stream().mapToLong(ChaosApi.Reply::millis).max().orElse(0);
    }
}
