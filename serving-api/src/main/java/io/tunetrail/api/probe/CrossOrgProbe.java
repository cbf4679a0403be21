package io.tunetrail.api.probe;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.api.http.ApiRoute;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Cross-org attempts on every route with a path parameter, generated from the app's route list: objects are created
 * in a victim org, then an intruder org's key calls every such path, with every method, on the victim's ids. Nothing
 * may succeed: a registered route must answer 404 (or 402/403 where the gate refuses before any lookup), a method the
 * path does not have 404/405, and the victim's objects must read the same afterwards.
 *
 * <p>Both keys should be org-wide keys with every scope on a plan with every feature, so the gate lets the intruder
 * through to the lookup, which is what is under test. Used by {@code CrossOrgProbeIT} and by the chaos scenario
 * {@code cross-org} against a running stack.
 */
public final class CrossOrgProbe {
    /**
     * One attempt: what the intruder sent, what came back. {@code ownObject}: a PUT that made the intruder's own object
     * under a name it chose (see {@link ProbeObjects.Kind#callerNamed()}), not a success on the victim's.
     */
    public record Attempt(String method, String path, int status, String code, boolean ownObject) {}

    /** All attempts and every finding (a success, an unexpected status, a victim's object changed). */
    public record Report(List<Attempt> attempts, List<String> findings) {
        public boolean clean() {
            return findings.isEmpty();
        }

        /** Attempts answered with success on the victim's object. */
        public long successes() {
            return attempts.stream().filter(a -> a.status() / 100 == 2 && !a.ownObject()).count();
        }
    }

    /**
     * The victim's webhook endpoint. It is registered, never called: the probe's APIs run with webhook dispatch off, so
     * the one test event queued for it (the delivery the probe needs) stays pending. An API that resolves webhook hosts
     * at registration must be given a resolver that maps {@value #WEBHOOK_HOST} to an address its policy accepts.
     */
    public static final String WEBHOOK_HOST = "hooks.example.com";
    public static final String WEBHOOK_URL = "https://" + WEBHOOK_HOST + "/tunetrail-probe";

    // PUT last: on a caller-named kind it creates the intruder's own object of that name, which later reads would find.
    private static final List<String> METHODS = List.of("GET", "POST", "DELETE", "PATCH", "PUT");
    private static final Set<Integer> GATE_OR_LOOKUP_REFUSALS = Set.of(402, 403, 404);
    private static final Set<Integer> NO_SUCH_ROUTE = Set.of(404, 405);

    private final ProbeHttp victim;
    private final ProbeHttp intruder;

    public CrossOrgProbe(URI api, String victimKey, String intruderKey) {
        this.victim = new ProbeHttp(api, victimKey);
        this.intruder = new ProbeHttp(api, intruderKey);
    }

    /**
     * What the probe cannot cover yet, one line each: a path parameter without an object kind, or a body schema
     * without a sample. Empty when every route with a path parameter is covered.
     */
    public static List<String> uncovered(List<ApiRoute> routes) {
        List<String> out = new ArrayList<>();
        for (ApiRoute r : withPathParams(routes)) {
            for (String param : r.pathParams()) {
                if (ProbeObjects.kind(param) == null) {
                    out.add(r.method().name() + " " + r.path() + ": no object factory for path parameter {" + param + "}; add a Kind for it to "
                            + "io.tunetrail.api.probe.ProbeObjects.KINDS (how to create one in the victim org and where it reads it back)");
                }
            }
            if (r.requestSchema() != null && !ProbeObjects.SAMPLE_BODIES.containsKey(r.requestSchema())) {
                out.add(r.method().name() + " " + r.path() + ": no sample body for request schema " + r.requestSchema()
                        + "; add one to io.tunetrail.api.probe.ProbeObjects.SAMPLE_BODIES");
            }
        }
        return out;
    }

    /** Runs the attempts over {@code routes} (the app's list); fails at once when some route is not covered. */
    public Report run(List<ApiRoute> routes) {
        List<String> missing = uncovered(routes);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the cross-org probe does not cover every route with a path parameter:\n  "
                    + String.join("\n  ", missing));
        }
        Map<String, String> ids = ProbeObjects.createAll(victim);
        Map<String, JsonNode> before = ProbeObjects.snapshot(victim, ids);
        Map<String, List<ApiRoute>> byPath = new TreeMap<>(withPathParams(routes).stream().collect(Collectors.groupingBy(ApiRoute::path)));
        List<Attempt> attempts = new ArrayList<>();
        List<String> findings = new ArrayList<>();
        for (String method : METHODS) {
            for (Map.Entry<String, List<ApiRoute>> path : byPath.entrySet()) {
                ApiRoute route = path.getValue().stream().filter(r -> r.method().name().equals(method)).findFirst().orElse(null);
                String url = ProbeObjects.fill(path.getKey(), ids) + query(route);
                String body = route == null ? (method.equals("GET") || method.equals("DELETE") ? null : "{}")
                        : route.requestSchema() == null ? (method.equals("GET") || method.equals("DELETE") ? null : "{}")
                        : ProbeObjects.SAMPLE_BODIES.get(route.requestSchema());
                ProbeHttp.Answer a = intruder.call(method, url, body);
                attempts.add(new Attempt(method, url, a.status(), a.code(), a.status() / 100 == 2 && ownObject(method, route)));
                String finding = judge(method, path.getKey(), route, a);
                if (finding != null) {
                    findings.add(finding);
                }
            }
        }
        Map<String, JsonNode> after = ProbeObjects.snapshot(victim, ids);
        for (Map.Entry<String, JsonNode> e : before.entrySet()) {
            if (!e.getValue().equals(after.get(e.getKey()))) {
                findings.add("the victim's " + e.getKey() + " " + ids.get(e.getKey()) + " changed during the intruder's attempts: before "
                        + e.getValue() + ", after " + after.get(e.getKey()));
            }
        }
        return new Report(List.copyOf(attempts), List.copyOf(findings));
    }

    /** Null when the answer is a refusal the probe expects; else what is wrong with it. */
    private static String judge(String method, String path, ApiRoute route, ProbeHttp.Answer a) {
        String what = method + " " + path + " with another org's id answered " + a.status() + (a.code() == null ? "" : " " + a.code());
        if (route == null) {
            return NO_SUCH_ROUTE.contains(a.status()) ? null : what + " (the path has no such method; expected 404 or 405)";
        }
        if (a.status() / 100 == 2 && ownObject(method, route)) {
            // The intruder made an object of its own under a name of its choosing; the snapshot proves the victim's intact.
            return null;
        }
        if (a.status() / 100 == 2) {
            return what + ": a SUCCESS across orgs (a leak): " + abbreviate(a.body());
        }
        return GATE_OR_LOOKUP_REFUSALS.contains(a.status()) ? null
                : what + " (expected 404 from the lookup, or 402/403 from the gate before it)";
    }

    private static boolean ownObject(String method, ApiRoute route) {
        return route != null && method.equals("PUT") && route.pathParams().stream().allMatch(p -> ProbeObjects.kind(p).callerNamed());
    }

    private static String query(ApiRoute route) {
        if (route == null) {
            return "";
        }
        String q = route.queryParams().stream().filter(ProbeObjects.SAMPLE_QUERY::containsKey)
                .map(p -> p + "=" + ProbeObjects.SAMPLE_QUERY.get(p)).collect(Collectors.joining("&"));
        return q.isEmpty() ? "" : "?" + q;
    }

    private static List<ApiRoute> withPathParams(List<ApiRoute> routes) {
        return routes.stream().filter(r -> !r.pathParams().isEmpty()).sorted(Comparator.comparing(ApiRoute::path)).toList();
    }

    private static String abbreviate(String body) {
        return body.length() <= 200 ? body : body.substring(0, 200) + "...";
    }

    /** The distinct paths with a path parameter (what the probe attempts, times its methods). */
    public static Set<String> paths(List<ApiRoute> routes) {
        return withPathParams(routes).stream().map(ApiRoute::path).collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
