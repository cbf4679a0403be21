package io.tunetrail.api.ops;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tunetrail.api.limits.EventPublisher;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.sql.DataSource;

/**
 * The API's meters, in one Prometheus registry that {@code GET /metrics} renders.
 *
 * <p>Other parts register meters of their own through {@link #registry()} (e.g.
 * {@code Counter.builder("tunetrail.webhook.deliveries").tag("outcome", o).register(metrics.registry())}); the app
 * factory passes the one instance to whatever it builds. Meter names follow Micrometer's dotted style and come out
 * in Prometheus form ({@code tunetrail.limiter.check} becomes {@code tunetrail_limiter_check_seconds}).
 *
 * <p>The request path records into meters looked up in caches keyed by objects the request already has (the route
 * template string Javalin keeps, the method enum, the status as an array index): after a route/status pair was seen
 * once, recording it allocates nothing.
 */
public final class ApiMetrics implements AutoCloseable {
    /** Route label of requests that matched no route: raw paths would make the label set unbounded. */
    public static final String UNMATCHED = "unmatched";
    private static final int MIN_STATUS = 100;
    private static final int STATUSES = 500;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final ConcurrentHashMap<String, AtomicReferenceArray<AtomicReferenceArray<Timer>>> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter[]>> refusals = new ConcurrentHashMap<>();
    private final Timer limiterCheck;

    public ApiMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        limiterCheck = latency(Timer.builder("tunetrail.limiter.check")
                .description("Rate limit and quota check: one Redis script round trip, from the API's side")).register(registry);
    }

    /** Where other parts register their meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** Records one finished request under its route template (or {@link #UNMATCHED}) and status. */
    public void request(HandlerType method, String route, int status, long nanos) {
        requestTimer(method, route == null ? UNMATCHED : route, status).record(nanos, TimeUnit.NANOSECONDS);
    }

    Timer requestTimer(HandlerType method, String route, int status) {
        int slot = status - MIN_STATUS;
        if (slot < 0 || slot >= STATUSES) {
            slot = STATUSES - 1; // not an HTTP status; filed with 599 rather than dropped
            status = MIN_STATUS + slot;
        }
        AtomicReferenceArray<AtomicReferenceArray<Timer>> byMethod = requests.get(route);
        if (byMethod == null) {
            byMethod = requests.computeIfAbsent(route, r -> new AtomicReferenceArray<>(HandlerType.values().length));
        }
        AtomicReferenceArray<Timer> byStatus = byMethod.get(method.ordinal());
        if (byStatus == null) {
            byMethod.compareAndSet(method.ordinal(), null, new AtomicReferenceArray<>(STATUSES));
            byStatus = byMethod.get(method.ordinal());
        }
        Timer timer = byStatus.get(slot);
        if (timer == null) {
            // Micrometer hands back the registered timer for the same name and tags, so a race registers one.
            timer = latency(Timer.builder("http.server.requests").description("API requests by route template and status")
                    .tag("method", method.name()).tag("route", route).tag("status", Integer.toString(status))).register(registry);
            byStatus.set(slot, timer);
        }
        return timer;
    }

    /**
     * Counts a 402 (plan feature missing) or 429 (rate limit or quota) refusal by the key's plan and the resource (the
     * metered resource, or the plan feature a 402 asked for).
     */
    public void refused(String plan, String resource, int status) {
        ConcurrentHashMap<String, Counter[]> byResource = refusals.computeIfAbsent(plan, p -> new ConcurrentHashMap<>());
        Counter[] counters = byResource.computeIfAbsent(resource == null ? "none" : resource, r -> new Counter[] {
            refusalCounter(plan, r, 402), refusalCounter(plan, r, 429)});
        counters[status == 402 ? 0 : 1].increment();
    }

    private Counter refusalCounter(String plan, String resource, int status) {
        return Counter.builder("tunetrail.api.refusals").description("402 and 429 refusals by plan and resource")
                .tag("plan", plan).tag("resource", resource).tag("status", Integer.toString(status)).register(registry);
    }

    /** The timer of the limit script's round trip. */
    public Timer limiterCheck() {
        return limiterCheck;
    }

    /** Usage events: queued (a gauge), dropped because the queue was full, and failed sends (counters). */
    public void bind(EventPublisher events) {
        Gauge.builder("tunetrail.usage.events.queued", events, EventPublisher::usageHeld)
                .description("Usage events held until Kafka acknowledges them (queued or in the producer)").register(registry);
        FunctionCounter.builder("tunetrail.usage.events.resent", events, EventPublisher::usageResent)
                .description("Usage events sent again after the producer gave them back (Kafka trouble)").register(registry);
        FunctionCounter.builder("tunetrail.usage.events.delivered", events, EventPublisher::usageDelivered)
                .description("Usage events Kafka acknowledged").register(registry);
        FunctionCounter.builder("tunetrail.usage.events.dropped", events, EventPublisher::usageDropped)
                .description("Usage events dropped because the queue was full (Kafka down for long)").register(registry);
        FunctionCounter.builder("tunetrail.usage.events.failed", events, EventPublisher::usageFailed)
                .description("Usage events Kafka did not accept").register(registry);
    }

    /** The limiter's degraded mode (Redis down): decisions made in this process and units added back to Redis. */
    public void bind(io.tunetrail.api.limits.UsageLimiter limiter) {
        FunctionCounter.builder("tunetrail.limiter.degraded.decisions", limiter, io.tunetrail.api.limits.UsageLimiter::degradedDecisions)
                .description("Limit decisions made in this process while Redis was down").register(registry);
        FunctionCounter.builder("tunetrail.limiter.reconciled.units", limiter, io.tunetrail.api.limits.UsageLimiter::reconciledUnits)
                .description("Units counted in degraded mode and added to Redis once it answered").register(registry);
        Gauge.builder("tunetrail.limiter.degraded", limiter, l -> l.degraded() ? 1 : 0)
                .description("1 while limits are decided in this process (Redis down)").register(registry);
    }

    /** The key cache: its size and the lookups answered from expired entries while PostgreSQL was down. */
    public void bind(io.tunetrail.api.auth.Authenticator authenticator) {
        Gauge.builder("tunetrail.keys.cached", authenticator, io.tunetrail.api.auth.Authenticator::cachedKeys)
                .description("Key lookups held by the bounded key cache").register(registry);
        FunctionCounter.builder("tunetrail.keys.stale.lookups", authenticator, io.tunetrail.api.auth.Authenticator::staleLookups)
                .description("Requests authenticated from an expired cache entry while PostgreSQL was down").register(registry);
    }

    /** Webhook deliveries by outcome, circuits opened and URLs refused. */
    public void bind(io.tunetrail.api.webhook.WebhookCounters webhooks) {
        for (String outcome : webhooks.attemptsByOutcome().keySet()) {
            FunctionCounter.builder("tunetrail.webhook.deliveries", webhooks, w -> w.attemptsByOutcome().getOrDefault(outcome, 0L))
                    .tag("outcome", outcome).description("Webhook delivery attempts by outcome").register(registry);
        }
        FunctionCounter.builder("tunetrail.webhook.circuits.opened", webhooks, io.tunetrail.api.webhook.WebhookCounters::circuitsOpened)
                .description("Webhook endpoint circuits opened after consecutive failures").register(registry);
        FunctionCounter.builder("tunetrail.webhook.urls.refused", webhooks, io.tunetrail.api.webhook.WebhookCounters::urlsRefused)
                .description("Webhook URLs refused (non-public address, scheme)").register(registry);
    }

    /** Threshold alerts: recorded, already recorded, failed, dropped (queue full), and those waiting to be written. */
    public void bind(io.tunetrail.api.alerts.AlertWriter alerts) {
        FunctionCounter.builder("tunetrail.alerts.recorded", alerts, io.tunetrail.api.alerts.AlertWriter::recorded)
                .description("Threshold alerts recorded (new)").register(registry);
        FunctionCounter.builder("tunetrail.alerts.duplicates", alerts, io.tunetrail.api.alerts.AlertWriter::duplicates)
                .description("Threshold crossings whose alert existed already").register(registry);
        FunctionCounter.builder("tunetrail.alerts.failed", alerts, io.tunetrail.api.alerts.AlertWriter::failed)
                .description("Threshold alerts PostgreSQL refused (logged)").register(registry);
        FunctionCounter.builder("tunetrail.alerts.dropped", alerts, io.tunetrail.api.alerts.AlertWriter::dropped)
                .description("Threshold alerts dropped because their queue was full (PostgreSQL down for long)").register(registry);
        Gauge.builder("tunetrail.alerts.pending", alerts, io.tunetrail.api.alerts.AlertWriter::pending)
                .description("Threshold alerts waiting to be written").register(registry);
    }

    /** Batch audio analysis: files queued in PostgreSQL (every instance's) and those this instance is analysing. */
    public void bind(io.tunetrail.api.audio.AudioBatchService batches) {
        Gauge.builder("tunetrail.audio.batch.files.queued", batches, io.tunetrail.api.audio.AudioBatchService::queuedFiles)
                .description("Batch audio files waiting to be analysed, all instances (read from PostgreSQL at each scrape)").register(registry);
        Gauge.builder("tunetrail.audio.batch.files.running", batches, io.tunetrail.api.audio.AudioBatchService::filesInFlight)
                .description("Batch audio files this instance is analysing").register(registry);
    }

    /** The connection pool's state, when it is Hikari's (the API's own is; a test's may not be). */
    public void bind(DataSource dataSource) {
        HikariDataSource hikari;
        try {
            // The API's pool sits behind a fail-fast wrapper (FailFastDataSource).
            if (!dataSource.isWrapperFor(HikariDataSource.class)) {
                return;
            }
            hikari = dataSource.unwrap(HikariDataSource.class);
        } catch (java.sql.SQLException e) {
            return;
        }
        String pool = hikari.getPoolName() == null ? "default" : hikari.getPoolName();
        pool(hikari, pool, "active", "Connections in use", HikariPoolMXBean::getActiveConnections);
        pool(hikari, pool, "idle", "Idle connections", HikariPoolMXBean::getIdleConnections);
        pool(hikari, pool, "total", "Open connections", HikariPoolMXBean::getTotalConnections);
        pool(hikari, pool, "pending", "Threads waiting for a connection", HikariPoolMXBean::getThreadsAwaitingConnection);
        Gauge.builder("hikaricp.connections.max", hikari, HikariDataSource::getMaximumPoolSize).tag("pool", pool)
                .description("Largest pool size").register(registry);
    }

    private void pool(HikariDataSource hikari, String pool, String what, String description,
            java.util.function.ToIntFunction<HikariPoolMXBean> value) {
        Gauge.builder("hikaricp.connections." + what, hikari, h -> {
            HikariPoolMXBean bean = h.getHikariPoolMXBean();
            return bean == null ? Double.NaN : value.applyAsInt(bean);
        }).tag("pool", pool).description(description).register(registry);
    }

    /** Latency histograms with buckets from 0.5 ms to 10 s: enough for p50..p99 of an API call, few enough series. */
    private static Timer.Builder latency(Timer.Builder builder) {
        return builder.publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(500_000))
                .maximumExpectedValue(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
