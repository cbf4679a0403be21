package io.tunetrail.batch.analytics;

/**
 * Cohen's d of two groups with its 95% confidence interval, from each group's size, mean and (sample) variance.
 *
 * <p>d = (mean₁ − mean₂) / s, with s the pooled standard deviation √(((n₁−1)s₁² + (n₂−1)s₂²) / (n₁+n₂−2)); the
 * standard error is Hedges and Olkin's large-sample approximation √((n₁+n₂)/(n₁n₂) + d²/(2(n₁+n₂))), and the
 * interval d ± 1.96·SE. When both groups have no spread at all, d is 0 and so is its interval (nothing to tell apart).
 */
public record EffectSize(double d, double ciLow, double ciHigh) {
    private static final double Z_95 = 1.959963984540054;

    /** Needs at least two observations in each group. */
    public static EffectSize cohensD(double n1, double mean1, double var1, double n2, double mean2, double var2) {
        if (n1 < 2 || n2 < 2) {
            throw new IllegalArgumentException("Cohen's d needs two observations per group, had " + n1 + " and " + n2);
        }
        double pooled = Math.sqrt(((n1 - 1) * var1 + (n2 - 1) * var2) / (n1 + n2 - 2));
        if (pooled == 0 || !Double.isFinite(pooled)) {
            return new EffectSize(0, 0, 0);
        }
        double d = (mean1 - mean2) / pooled;
        double se = Math.sqrt((n1 + n2) / (n1 * n2) + d * d / (2 * (n1 + n2)));
        return new EffectSize(d, d - Z_95 * se, d + Z_95 * se);
    }

    /**
     * Cohen's d with an interval from a given variance of the difference of the two means (e.g. a cluster-robust one,
     * {@link ClusteredMeans}) instead of the independent-observations one: SE = √(varOfDifference / s² + d²/(2(n₁+n₂))),
     * the first term standing in for (n₁+n₂)/(n₁n₂), which is what varOfDifference / s² is when every observation is
     * independent and both groups share one variance.
     */
    public static EffectSize cohensD(double n1, double mean1, double var1, double n2, double mean2, double var2,
            double varOfDifference) {
        EffectSize naive = cohensD(n1, mean1, var1, n2, mean2, var2);
        double pooled = Math.sqrt(((n1 - 1) * var1 + (n2 - 1) * var2) / (n1 + n2 - 2));
        if (naive.d == 0 && naive.ciLow == 0 && naive.ciHigh == 0) {
            return naive;
        }
        double d = naive.d;
        double se = Math.sqrt(varOfDifference / (pooled * pooled) + d * d / (2 * (n1 + n2)));
        return new EffectSize(d, d - Z_95 * se, d + Z_95 * se);
    }

    /** Whether the interval lies wholly on one side of 0. */
    public boolean excludesZero() {
        return ciLow > 0 || ciHigh < 0;
    }
}
