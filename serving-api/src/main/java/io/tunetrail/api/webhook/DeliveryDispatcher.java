package io.tunetrail.api.webhook;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due deliveries on a pool of workers: at most one delivery per endpoint and {@code maxInFlightPerOrg} per org in
 * flight, endpoints taken round robin over orgs ({@link DeliveryQueue#candidates}), each delivery leased on its own.
 * A receiver that never answers therefore holds one worker for one attempt's timeout, and other orgs' deliveries go
 * out on the other workers meanwhile.
 */
public final class DeliveryDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryDispatcher.class);

    private final DeliveryQueue queue;
    private final WebhookSecrets secrets;
    private final WebhookTargets targets;
    private final WebhookSender sender;
    private final WebhookSettings settings;
    private final WebhookCounters counters;
    private final Clock clock;
    private final ExecutorService workers;
    private final ReentrantLock pumping = new ReentrantLock();
    private volatile boolean pumpOnCompletion;

    // Guarded by 'this'.
    private final Set<String> endpointsInFlight = new HashSet<>();
    private final Map<String, Integer> orgsInFlight = new HashMap<>();
    private int inFlight;

    public DeliveryDispatcher(DeliveryQueue queue, WebhookSecrets secrets, WebhookTargets targets, WebhookSender sender,
            WebhookSettings settings, WebhookCounters counters, Clock clock) {
        this.queue = queue;
        this.secrets = secrets;
        this.targets = targets;
        this.sender = sender;
        this.settings = settings;
        this.counters = counters;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(settings.workers(), r -> {
            Thread t = new Thread(r, "tunetrail-webhook-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Fills the free workers with due deliveries and returns without waiting for them; from the first call on, a
     * worker that finishes fills its slot again at once. Concurrent calls do not wait: one fills, the others return.
     */
    public void pump() {
        pumpOnCompletion = true;
        if (pumping.tryLock()) {
            try {
                fill();
            } finally {
                pumping.unlock();
            }
        }
    }

    /** Sends everything due now, waiting for each round; returns how many attempts were made (tests drive this). */
    public int drain() {
        int attempted = 0;
        while (true) {
            List<Future<?>> round;
            pumping.lock();
            try {
                round = fill();
            } finally {
                pumping.unlock();
            }
            if (round.isEmpty()) {
                return attempted;
            }
            for (Future<?> f : round) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return attempted;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a webhook delivery failed unexpectedly", e.getCause());
                }
            }
            attempted += round.size();
        }
    }

    private List<Future<?>> fill() {
        List<Future<?>> started = new ArrayList<>();
        int free;
        synchronized (this) {
            free = settings.workers() - inFlight;
        }
        if (free <= 0) {
            return started;
        }
        Instant now = clock.instant();
        // More candidates than free workers: some belong to an endpoint or org that is already busy here.
        for (DeliveryQueue.Candidate c : queue.candidates(now, free * 4 + 16)) {
            if (started.size() == free) {
                break;
            }
            synchronized (this) {
                if (endpointsInFlight.contains(endpointKey(c.orgId(), c.webhookId()))
                        || orgsInFlight.getOrDefault(c.orgId(), 0) >= settings.maxInFlightPerOrg()) {
                    continue;
                }
            }
            Optional<DeliveryQueue.Claimed> claimed = queue.claim(c, now, settings.lease());
            if (claimed.isEmpty()) {
                continue;
            }
            DeliveryQueue.Claimed d = claimed.get();
            synchronized (this) {
                endpointsInFlight.add(endpointKey(d.orgId(), d.webhookId()));
                orgsInFlight.merge(d.orgId(), 1, Integer::sum);
                inFlight++;
            }
            started.add(workers.submit(() -> {
                try {
                    attempt(d);
                } finally {
                    release(d);
                }
            }));
        }
        return started;
    }

    private void release(DeliveryQueue.Claimed d) {
        synchronized (this) {
            endpointsInFlight.remove(endpointKey(d.orgId(), d.webhookId()));
            orgsInFlight.computeIfPresent(d.orgId(), (k, v) -> v == 1 ? null : v - 1);
            inFlight--;
        }
        if (pumpOnCompletion) {
            try {
                pump();
            } catch (RuntimeException e) {
                LOG.warn("webhook dispatch failed: {}", e.getMessage());
            }
        }
    }

    private void attempt(DeliveryQueue.Claimed d) {
        try {
            WebhookTargets.Result checked = targets.check(URI.create(d.url()));
            WebhookSender.Result result;
            if (!checked.allowed()) {
                String reason = checked.refusal().reason();
                result = new WebhookSender.Result(reason.equals("unresolvable") ? DeliveryOutcome.DNS_ERROR
                        : reason.equals("scheme_forbidden") || reason.equals("invalid_url") ? DeliveryOutcome.URL_FORBIDDEN
                        : DeliveryOutcome.FORBIDDEN_ADDRESS, null);
            } else {
                String secret = secrets.open(d.orgId(), d.webhookId());
                if (secret == null) {
                    return; // the endpoint was deleted meanwhile, and its deliveries with it
                }
                long t = clock.instant().getEpochSecond();
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Content-Type", "application/json");
                headers.put("TuneTrail-Signature", "t=" + t + ",v1=" + io.tunetrail.api.service.WebhookService.sign(secret, t + "." + d.payload()));
                headers.put("TuneTrail-Event", d.eventType());
                headers.put("TuneTrail-Delivery", d.deliveryId());
                result = sender.post(checked.target(), headers, d.payload().getBytes(StandardCharsets.UTF_8));
            }
            counters.attempted(result.outcome());
            if (queue.record(d, result.outcome(), result.statusCode(), clock.instant(), settings.breakerFailures(), settings.breakerCooldown())) {
                counters.circuitOpened();
                LOG.info("webhook {} of org {}: circuit open for {} after {} consecutive failures", d.webhookId(), d.orgId(),
                        settings.breakerCooldown(), settings.breakerFailures());
            }
            if (!result.outcome().ok()) {
                LOG.info("webhook delivery {} attempt {} failed: {}", d.deliveryId(), d.attempts() + 1, result.outcome().code());
            }
        } catch (RuntimeException e) {
            // The lease runs out and the delivery is due again: nothing is lost, it is only late.
            LOG.warn("webhook delivery {} could not be attempted: {}", d.deliveryId(), e.getMessage());
        }
    }

    private static String endpointKey(String orgId, String webhookId) {
        return orgId + "\u0000" + webhookId;
    }

    @Override
    public void close() {
        pumpOnCompletion = false;
        workers.shutdownNow();
    }
}
