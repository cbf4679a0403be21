package io.tunetrail.batch.analytics;

/**
 * The cluster-robust (CR1, "sandwich") variance of the difference of two weighted means whose observations come in
 * clusters that may fall in both groups: plays (observations) of listeners (clusters), one group the plays during an
 * activity, the other the rest of the same org's plays.
 *
 * <p>With S_c and n_c a cluster's sum and count in a group, and m that group's mean, the mean's variance is
 * Σ_c (S_c − n_c·m)² / n², and the two means covary through the clusters present in both:
 * Σ_c (S_c1 − n_c1·m1)(S_c2 − n_c2·m2) / (n1·n2). Var(m1 − m2) = G/(G−1) · (V1 + V2 − 2·Cov), with G the number of
 * clusters. Expanded, each sum needs only per-cluster products summed over clusters, so Spark aggregates them and
 * nothing per listener reaches the driver:
 * Σ(S_c − n_c·m)² = ΣS_c² − 2m·Σn_cS_c + m²·Σn_c².
 *
 * @param clusters G, the listeners with at least one observation in either group
 */
public record ClusteredMeans(double n1, double sx1, double ss1, double ns1, double nn1,
        double n2, double sx2, double ss2, double ns2, double nn2,
        double s1s2, double n1s2, double s1n2, double n1n2, long clusters) {

    /** Var(mean₁ − mean₂) with listeners as clusters; NaN with fewer than two clusters. */
    public double varianceOfDifference() {
        if (clusters < 2) {
            return Double.NaN;
        }
        double m1 = sx1 / n1;
        double m2 = sx2 / n2;
        double v1 = (ss1 - 2 * m1 * ns1 + m1 * m1 * nn1) / (n1 * n1);
        double v2 = (ss2 - 2 * m2 * ns2 + m2 * m2 * nn2) / (n2 * n2);
        double cov = (s1s2 - m2 * n1s2 - m1 * s1n2 + m1 * m2 * n1n2) / (n1 * n2);
        return Math.max(0, (double) clusters / (clusters - 1) * (v1 + v2 - 2 * cov));
    }
}
