package io.tunetrail.api.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for Stripe's API on 127.0.0.1 (Stripe's servers are a third party the tests cannot reach): records
 * every request stripe-java sends (method, path, form or query parameters, headers) and answers with JSON shaped like
 * Stripe's for the routes the platform uses: meter events (deduplicated by identifier, as Stripe does), meters, daily
 * meter event summaries (summed from the events it received plus planted differences), checkout and portal sessions.
 * Failures can be scripted per path: the next n requests answer a given status with Stripe's error body.
 */
public final class StripeStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as Stripe would have received it; {@code params} are decoded form (POST) or query (GET) parameters. */
    public record Received(String method, String path, Map<String, String> params, Map<String, String> headers) {
        public String param(String name) {
            return params.get(name);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private record Failure(int status, AtomicInteger remaining) {}

    private record Event(String eventName, String customer, long timestamp, long value) {}

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final Map<String, Event> events = new ConcurrentHashMap<>();
    private final List<Event> planted = new CopyOnWriteArrayList<>();
    private final Map<String, String> meters = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile boolean pagesHere;

    public StripeStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Stripe stand-in on 127.0.0.1", e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    /** The api base stripe-java is pointed at. */
    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Settings calling this stand-in with its key, the default meters, 3 attempts 5 ms apart. */
    public io.tunetrail.api.billing.StripeSettings settings() {
        return io.tunetrail.api.billing.StripeSettings.OFF.withApi("sk_test_standin", base())
                .withMeters(Map.of("api_calls", "tunetrail_api_calls", "audio_analysis", "tunetrail_audio_analysis",
                        "model_training", "tunetrail_model_training"))
                .withRetries(3, java.time.Duration.ofMillis(5));
    }

    /**
     * Session URLs on this stand-in ({@code /c/pay/ID}, {@code /p/session/ID}) instead of Stripe's hosts, each a small
     * page naming its session: a browser test follows the redirect and stays on loopback.
     */
    public StripeStandIn servingPagesHere() {
        pagesHere = true;
        return this;
    }

    /** A meter the account has, by the event name the platform sends to. */
    public String meter(String eventName) {
        return meters.computeIfAbsent(eventName, n -> "mtr_test_" + n);
    }

    /** The next {@code times} requests whose path starts with {@code pathPrefix} answer {@code status} (Stripe's error body). */
    public void fail(String pathPrefix, int status, int times) {
        failures.put(pathPrefix, new Failure(status, new AtomicInteger(times)));
    }

    /** A difference only Stripe has: {@code value} more units on a meter for a customer's day (say, an adjustment). */
    public void plant(String eventName, String customer, LocalDate day, long value) {
        planted.add(new Event(eventName, customer, day.atStartOfDay(ZoneOffset.UTC).toEpochSecond(), value));
    }

    public List<Received> received(String method, String pathPrefix) {
        return received.stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).toList();
    }

    public void clear() {
        received.clear();
        failures.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String method = x.getRequestMethod();
            String path = x.getRequestURI().getPath();
            String raw = "GET".equals(method) ? x.getRequestURI().getRawQuery()
                    : new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new LinkedHashMap<>();
            x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            Received r = new Received(method, path, form(raw), headers);
            received.add(r);
            if ("GET".equals(method) && pagesHere && (path.startsWith("/c/pay/") || path.startsWith("/p/session/"))) {
                page(x, path.substring(path.lastIndexOf('/') + 1));
                return;
            }
            for (Map.Entry<String, Failure> f : failures.entrySet()) {
                if (path.startsWith(f.getKey()) && f.getValue().remaining().getAndDecrement() > 0) {
                    String type = f.getValue().status() >= 500 ? "api_error" : "invalid_request_error";
                    answer(x, f.getValue().status(), Map.of("error", Map.of("type", type, "message", "scripted failure " + f.getValue().status())));
                    return;
                }
            }
            if (!"Bearer sk_test_standin".equals(r.header("Authorization"))) {
                answer(x, 401, Map.of("error", Map.of("type", "invalid_request_error", "message", "Invalid API Key provided")));
                return;
            }
            answer(x, 200, route(method, path, r));
        } catch (RuntimeException e) {
            answer(x, 500, Map.of("error", Map.of("type", "api_error", "message", String.valueOf(e.getMessage()))));
        }
    }

    private Object route(String method, String path, Received r) {
        long now = Instant.now().getEpochSecond();
        if ("POST".equals(method) && path.equals("/v1/billing/meter_events")) {
            Event e = new Event(r.param("event_name"), r.param("payload[stripe_customer_id]"), Long.parseLong(r.param("timestamp")),
                    Long.parseLong(r.param("payload[value]")));
            events.putIfAbsent(r.param("identifier"), e);
            return ordered("object", "billing.meter_event", "created", now, "event_name", e.eventName(), "identifier", r.param("identifier"),
                    "livemode", false, "payload", Map.of("stripe_customer_id", e.customer(), "value", Long.toString(e.value())),
                    "timestamp", e.timestamp());
        }
        if ("GET".equals(method) && path.equals("/v1/billing/meters")) {
            List<Object> data = new ArrayList<>();
            meters.forEach((name, id) -> data.add(ordered("id", id, "object", "billing.meter", "event_name", name, "status", "active",
                    "display_name", name, "default_aggregation", Map.of("formula", "sum"), "created", now, "livemode", false)));
            return list("/v1/billing/meters", data);
        }
        if ("GET".equals(method) && path.startsWith("/v1/billing/meters/") && path.endsWith("/event_summaries")) {
            String meterId = path.substring("/v1/billing/meters/".length(), path.length() - "/event_summaries".length());
            String eventName = meters.entrySet().stream().filter(m -> m.getValue().equals(meterId)).map(Map.Entry::getKey).findFirst().orElseThrow();
            long start = Long.parseLong(r.param("start_time"));
            long end = Long.parseLong(r.param("end_time"));
            Map<Long, Long> byDay = new java.util.TreeMap<>();
            List<Event> all = new ArrayList<>(events.values());
            all.addAll(planted);
            for (Event e : all) {
                if (e.eventName().equals(eventName) && e.customer().equals(r.param("customer")) && e.timestamp() >= start && e.timestamp() < end) {
                    byDay.merge(e.timestamp() - Math.floorMod(e.timestamp(), 86_400L), e.value(), Long::sum);
                }
            }
            List<Object> data = new ArrayList<>();
            byDay.forEach((day, sum) -> data.add(ordered("id", "mtrusg_" + ids.incrementAndGet(), "object", "billing.meter_event_summary",
                    "aggregated_value", sum, "end_time", day + 86_400, "livemode", false, "meter", meterId, "start_time", day)));
            return list(path, data);
        }
        if ("POST".equals(method) && path.equals("/v1/checkout/sessions")) {
            String id = "cs_test_" + ids.incrementAndGet();
            return ordered("id", id, "object", "checkout.session", "mode", r.param("mode"), "client_reference_id", r.param("client_reference_id"),
                    "customer", r.param("customer"), "success_url", r.param("success_url"), "cancel_url", r.param("cancel_url"),
                    "status", "open", "url", (pagesHere ? base() : "https://checkout.stripe.com") + "/c/pay/" + id, "livemode", false, "created", now);
        }
        if ("POST".equals(method) && path.equals("/v1/billing_portal/sessions")) {
            String id = "bps_test_" + ids.incrementAndGet();
            return ordered("id", id, "object", "billing_portal.session", "customer", r.param("customer"), "return_url", r.param("return_url"),
                    "url", (pagesHere ? base() : "https://billing.stripe.com") + "/p/session/" + id, "livemode", false, "created", now);
        }
        throw new IllegalArgumentException("the stand-in does not serve " + method + " " + path);
    }

    private static Map<String, Object> list(String url, List<Object> data) {
        return ordered("object", "list", "data", data, "has_more", false, "url", url);
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length < 2 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void page(HttpExchange x, String sessionId) throws IOException {
        byte[] bytes = ("<!DOCTYPE html><html><head><title>Stripe stand-in</title><link rel=\"icon\" href=\"data:,\"></head><body>"
                + "<h1 id=\"stripe-session\">" + sessionId.replaceAll("[^A-Za-z0-9_]", "") + "</h1></body></html>").getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        x.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void answer(HttpExchange x, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.getResponseHeaders().set("Request-Id", "req_standin");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }
}
