package io.tunetrail.store.registry;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bounds of a custom training request: which algorithm, which params, and the range of each. One rule for the API
 * (a 400 naming the param before anything is queued), the queue (nothing out of bounds is stored) and the batch side
 * (a request queued before a bound tightened fails with the same reason instead of running).
 *
 * <p>The bounds keep one request from holding the shared Spark for hours or its memory for ever: ALS cost grows with
 * rank squared times iterations, and top_n with every listener's row in Redis.
 */
public final class TrainingParams {
    /** Algorithms the batch side can train on request. */
    public static final Set<String> ALGORITHMS = Set.of("als");

    /** A param's kind and range; {@code min}/{@code max} bound numbers, {@code maxLength} strings. */
    public record Bound(String name, Kind kind, double min, double max, String description) {}

    public enum Kind { INTEGER, NUMBER, BOOLEAN, WEIGHTS, WORD, PAIRS }

    /** Why a request is refused, naming the field as the API reports it ({@code params.rank}). */
    public record Problem(String field, String detail) {}

    private static final Pattern WEIGHTS = Pattern.compile("[a-z_]{1,32}:-?\\d{1,3}(\\.\\d{1,6})?(,[a-z_]{1,32}:-?\\d{1,3}(\\.\\d{1,6})?){0,15}");
    private static final int WEIGHTS_MAX_LENGTH = 512;
    private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final Pattern PAIRS = Pattern.compile("[a-z_]{1,32}:[A-Za-z0-9_.-]{1,32}(,[a-z_]{1,32}:[A-Za-z0-9_.-]{1,32}){0,15}");

    /** Every param a request may set, with its bounds, in the order the docs list them. */
    public static final Map<String, Bound> BOUNDS;

    static {
        Map<String, Bound> b = new LinkedHashMap<>();
        b.put("rank", new Bound("rank", Kind.INTEGER, 1, 256, "latent factors"));
        b.put("iterations", new Bound("iterations", Kind.INTEGER, 1, 50, "alternating iterations"));
        b.put("regularization", new Bound("regularization", Kind.NUMBER, 0, 100, "L2 regularisation (lambda)"));
        b.put("alpha", new Bound("alpha", Kind.NUMBER, 0, 1000, "confidence scale"));
        b.put("seed", new Bound("seed", Kind.INTEGER, 0, Integer.MAX_VALUE, "random seed"));
        b.put("top_n", new Bound("top_n", Kind.INTEGER, 1, 500, "recommendations kept per listener"));
        b.put("confidence_weights", new Bound("confidence_weights", Kind.WEIGHTS, 0, WEIGHTS_MAX_LENGTH,
                "event_type:weight pairs, comma-separated (at most 16, weights -999..999)"));
        b.put("log_scale", new Bound("log_scale", Kind.BOOLEAN, 0, 1, "log-scale the summed weights"));
        b.put("exclude_heard", new Bound("exclude_heard", Kind.BOOLEAN, 0, 1, "leave heard tracks out"));
        b.put("family", new Bound("family", Kind.WORD, 0, 32,
                "the model family the lists come from instead of the nightly choice (als, ease, itemknn, sar, bpr, lightgcn, content)"));
        b.put("family_params", new Bound("family_params", Kind.PAIRS, 0, WEIGHTS_MAX_LENGTH,
                "the family's hyperparameters over its defaults, name:value pairs, comma-separated (at most 16)"));
        BOUNDS = java.util.Collections.unmodifiableMap(b);
    }

    private TrainingParams() {}

    /** The first problem of a request, or empty when the algorithm and every param are within bounds. */
    public static Optional<Problem> problem(String algorithm, Map<String, Object> params) {
        if (!ALGORITHMS.contains(algorithm)) {
            return Optional.of(new Problem("algorithm", "'algorithm' must be one of " + ALGORITHMS + ", not '" + algorithm + "'"));
        }
        for (Map.Entry<String, Object> p : params.entrySet()) {
            String field = "params." + p.getKey();
            Bound bound = BOUNDS.get(p.getKey());
            if (bound == null) {
                return Optional.of(new Problem(field, "'" + p.getKey() + "' is not a training param; known: "
                        + String.join(", ", BOUNDS.keySet().stream().sorted().toList())));
            }
            String why = check(bound, p.getValue());
            if (why != null) {
                return Optional.of(new Problem(field, "'" + field + "' " + why));
            }
        }
        return Optional.empty();
    }

    private static String check(Bound b, Object v) {
        return switch (b.kind()) {
            case INTEGER -> {
                if (!(v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof BigInteger)) {
                    yield "must be a whole number (" + b.description() + "), " + range(b);
                }
                BigInteger n = new BigInteger(v.toString());
                yield n.compareTo(BigInteger.valueOf((long) b.min())) < 0 || n.compareTo(BigInteger.valueOf((long) b.max())) > 0
                        ? "is " + v + "; it must be " + range(b) : null;
            }
            case NUMBER -> {
                if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                    yield "must be a number (" + b.description() + "), " + range(b);
                }
                double d = n.doubleValue();
                yield d < b.min() || d > b.max() ? "is " + v + "; it must be " + range(b) : null;
            }
            case BOOLEAN -> v instanceof Boolean ? null : "must be true or false";
            case WEIGHTS -> !(v instanceof String s) || s.length() > WEIGHTS_MAX_LENGTH || !WEIGHTS.matcher(s).matches()
                    ? "must be " + b.description() + ", e.g. play:1,like:4,skip:-1" : null;
            case WORD -> !(v instanceof String s) || !WORD.matcher(s).matches() ? "must be " + b.description() : null;
            case PAIRS -> !(v instanceof String s) || s.length() > WEIGHTS_MAX_LENGTH || !PAIRS.matcher(s).matches()
                    ? "must be " + b.description() + ", e.g. lambda:500,min_support:2" : null;
        };
    }

    private static String range(Bound b) {
        return b.kind() == Kind.INTEGER ? (long) b.min() + ".." + (long) b.max() : b.min() + ".." + b.max();
    }
}
