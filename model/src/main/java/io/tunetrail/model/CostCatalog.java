package io.tunetrail.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cost table ({@code config/costs.yaml}): the price of a measured CPU second per job kind, of a metered unit per
 * route class (a usage-ledger resource), of a GB-month of storage, and the hold a queued job counts against its org's
 * cost cap until its measured cost replaces it. Checked strictly on load: an unknown key or a bad value fails with one
 * line naming its path.
 */
public final class CostCatalog {
    /** Where the jar carries its copy of {@code config/costs.yaml}. */
    public static final String RESOURCE = "tunetrail/config/costs.yaml";
    /** The kinds of job whose CPU time is metered; each must have a price. */
    public static final List<String> JOB_KINDS = List.of("training", "nightly", "audio_analysis");

    private static final Set<String> ROOT_KEYS = Set.of("cpu_second_usd", "per_call_usd", "storage_gb_month_usd", "holds_usd");
    private static final String ROUTE_CLASS = "[a-z][a-z0-9_]{0,63}";

    private final Map<String, Double> cpuSecondUsd;
    private final Map<String, Double> perCallUsd;
    private final double storageGbMonthUsd;
    private final Map<String, Double> holdsUsd;

    private CostCatalog(Map<String, Double> cpuSecondUsd, Map<String, Double> perCallUsd, double storageGbMonthUsd,
            Map<String, Double> holdsUsd) {
        this.cpuSecondUsd = Map.copyOf(cpuSecondUsd);
        this.perCallUsd = Map.copyOf(perCallUsd);
        this.storageGbMonthUsd = storageGbMonthUsd;
        this.holdsUsd = Map.copyOf(holdsUsd);
    }

    /** The table shipped in the model jar (a copy of {@code config/costs.yaml}). */
    public static CostCatalog load() {
        try (InputStream in = CostCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath; rebuild tunetrail-model");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** A table from a file, e.g. an operator's own prices. */
    public static CostCatalog load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read cost table " + file, e);
        }
    }

    static CostCatalog parse(InputStream in) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
        if (root == null || !root.isObject()) {
            throw invalid("(root)", "the file is empty or not a mapping");
        }
        keys(root, "", ROOT_KEYS);
        Map<String, Double> cpu = prices(root, "cpu_second_usd", Set.copyOf(JOB_KINDS));
        for (String kind : JOB_KINDS) {
            if (!cpu.containsKey(kind)) {
                throw invalid("cpu_second_usd." + kind, "is required (every metered job kind has a price; 0 for free)");
            }
        }
        Map<String, Double> perCall = prices(root, "per_call_usd", null);
        JsonNode storage = root.get("storage_gb_month_usd");
        if (storage == null) {
            throw invalid("storage_gb_month_usd", "is required");
        }
        Map<String, Double> holds = root.has("holds_usd") ? prices(root, "holds_usd", Set.copyOf(JOB_KINDS)) : Map.of();
        return new CostCatalog(cpu, perCall, price(storage, "storage_gb_month_usd"), holds);
    }

    /** US dollars per measured CPU second of a job kind (one of {@link #JOB_KINDS}). */
    public double cpuSecondUsd(String jobKind) {
        Double p = cpuSecondUsd.get(jobKind);
        if (p == null) {
            throw new IllegalArgumentException("'" + jobKind + "' is not a metered job kind; known: " + String.join(", ", JOB_KINDS));
        }
        return p;
    }

    /** US dollars per metered unit of a route class; a class the table does not list costs nothing. */
    public double perCallUsd(String routeClass) {
        return perCallUsd.getOrDefault(routeClass, 0.0);
    }

    /** The route classes with a price, for costing the usage ledger. */
    public Map<String, Double> perCallPrices() {
        return perCallUsd;
    }

    public double storageGbMonthUsd() {
        return storageGbMonthUsd;
    }

    /** What one queued or running job of a kind holds against its org's cap until it is measured; 0 when none is set. */
    public double holdUsd(String jobKind) {
        return holdsUsd.getOrDefault(jobKind, 0.0);
    }

    private static Map<String, Double> prices(JsonNode root, String key, Set<String> allowed) {
        JsonNode node = root.get(key);
        if (node == null || !node.isObject()) {
            throw invalid(key, "must be a mapping of names to US dollar prices");
        }
        if (allowed != null) {
            keys(node, key, allowed);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = key + "." + e.getKey();
            if (!e.getKey().matches(ROUTE_CLASS)) {
                throw invalid(path, "is not a route class name (a usage resource such as api_calls: lower case, digits, _)");
            }
            out.put(e.getKey(), price(e.getValue(), path));
        }
        return out;
    }

    private static double price(JsonNode v, String path) {
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0 || v.asDouble() > 1_000_000) {
            throw invalid(path, "'" + (v == null ? "" : v.asText()) + "' must be a price in US dollars from 0 to 1000000");
        }
        return v.asDouble();
    }

    private static void keys(JsonNode node, String path, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw invalid(path.isEmpty() ? key : path + "." + key, "unknown key; the keys here are " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    static IllegalStateException invalid(String path, String why) {
        return new IllegalStateException("Invalid cost table: " + path + ": " + why + ". Fix config/costs.yaml and rebuild.");
    }
}
