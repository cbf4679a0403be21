package io.tunetrail.batch.als;

import io.tunetrail.model.PlatformConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hyperparameters of one implicit-ALS fit. Recorded with each model version; a change of any of them (or of the
 * preference weights) is a new major version, a retrain with the same ones a new minor version.
 */
public record AlsParams(int rank, int iterations, double regularization, double alpha, long seed,
        String confidenceWeights, boolean logScale) implements java.io.Serializable {

    public AlsParams {
        if (rank < 1 || iterations < 1 || regularization < 0 || alpha < 0) {
            throw new IllegalArgumentException("ALS needs rank >= 1, iterations >= 1, regularization >= 0, alpha >= 0; got "
                    + rank + ", " + iterations + ", " + regularization + ", " + alpha);
        }
    }

    public static AlsParams from(PlatformConfig config) {
        return new AlsParams(config.getInt(PlatformConfig.ALS_RANK), config.getInt(PlatformConfig.ALS_ITERATIONS),
                config.getDouble(PlatformConfig.ALS_REGULARIZATION), config.getDouble(PlatformConfig.ALS_ALPHA),
                config.getLong(PlatformConfig.ALS_SEED), config.get(PlatformConfig.ALS_CONFIDENCE_WEIGHTS),
                config.getBoolean(PlatformConfig.ALS_LOG_SCALE));
    }

    /** The same parameters with another rank and iterations (benchmarks, tests). */
    public AlsParams with(int rank, int iterations) {
        return new AlsParams(rank, iterations, regularization, alpha, seed, confidenceWeights, logScale);
    }

    /** For the registry's {@code params} column. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rank", rank);
        m.put("iterations", iterations);
        m.put("regularization", regularization);
        m.put("alpha", alpha);
        m.put("seed", seed);
        m.put("confidence_weights", confidenceWeights);
        m.put("log_scale", logScale);
        return m;
    }
}
