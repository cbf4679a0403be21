package io.tunetrail.batch.eval.family;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** A family's hyperparameters by name: numbers or words, printed as given in the eval output. */
public record Hyperparameters(Map<String, Object> values) {
    public Hyperparameters {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static Hyperparameters of(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return new Hyperparameters(m);
    }

    public double number(String name) {
        return ((Number) require(name)).doubleValue();
    }

    public int integer(String name) {
        return ((Number) require(name)).intValue();
    }

    public String word(String name) {
        return (String) require(name);
    }

    /** The named number, or {@code fallback} when it is not given (a hyperparameter added after params were recorded). */
    public double number(String name, double fallback) {
        Object v = values.get(name);
        return v == null ? fallback : ((Number) v).doubleValue();
    }

    /** The named word, or {@code fallback} when it is not given. */
    public String word(String name, String fallback) {
        Object v = values.get(name);
        return v == null ? fallback : (String) v;
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("hyperparameter '" + name + "' is missing; given: " + values.keySet());
        }
        return v;
    }

    /** A value drawn log-uniformly from [low, high], rounded to 3 significant digits so the output stays readable. */
    static double logUniform(Random random, double low, double high) {
        double v = Math.exp(Math.log(low) + random.nextDouble() * (Math.log(high) - Math.log(low)));
        return Double.parseDouble(String.format(java.util.Locale.ROOT, "%.3g", v));
    }

    static <T> T oneOf(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
