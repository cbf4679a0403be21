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
        return numeric(name).doubleValue();
    }

    public int integer(String name) {
        return numeric(name).intValue();
    }

    public String word(String name) {
        Object v = require(name);
        if (!(v instanceof String w)) {
            throw new IllegalArgumentException("hyperparameter '" + name + "' is a word, not " + v);
        }
        return w;
    }

    // A forced family's params come from a training request as text: a word where a number belongs is the caller's
    // mistake and says so, not a ClassCastException.
    private Number numeric(String name) {
        Object v = require(name);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("hyperparameter '" + name + "' is a number, not '" + v + "'");
        }
        return n;
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
