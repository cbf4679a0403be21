package io.tunetrail.ingestion.synthetic;

import java.util.SplittableRandom;

/**
 * Random draws for the generator, all from {@link SplittableRandom} and {@link StrictMath}.
 *
 * <p>StrictMath rather than Math because Math's transcendental functions may differ in the last bit between JVMs and
 * between interpreted and compiled code; a seed must give the same data everywhere.
 */
final class Rand {
    private Rand() {}

    /** A well-mixed seed from several parts (SplitMix64 finaliser over a running hash). */
    static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h = splitMix(h ^ splitMix(p + 0x632BE59BD9B4E019L));
        }
        return h;
    }

    static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniform double in [0, 1) derived from a hash, for decisions that must not consume a stream's draws. */
    static double unit(long hash) {
        return (splitMix(hash) >>> 11) * 0x1.0p-53;
    }

    static double gaussian(SplittableRandom r) {
        // Box-Muller; the second value is dropped so that a draw always consumes exactly two doubles.
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    static double gaussian(SplittableRandom r, double mean, double sd) {
        return mean + sd * gaussian(r);
    }

    /** A log-normal factor with mean 1 (so multiplying by it keeps averages) and the given spread. */
    static double lognormalFactor(SplittableRandom r, double sigma) {
        return StrictMath.exp(sigma * gaussian(r) - sigma * sigma / 2.0);
    }

    /** A Gumbel(0, 1) draw: adding it to log-weights and sorting is a weighted random permutation. */
    static double gumbel(SplittableRandom r) {
        double u = clamp(r.nextDouble(), 1e-12, 1.0 - 1e-12);
        return -StrictMath.log(-StrictMath.log(u));
    }

    static double clamp(double v, double lo, double hi) {
        return v < lo ? lo : (v > hi ? hi : v);
    }

    /** Cumulative sums of the weights; the last entry is the total. */
    static double[] cumulative(double[] weights) {
        double[] cdf = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cdf[i] = sum;
        }
        return cdf;
    }

    /** The index drawn from a cumulative weight array (binary search); -1 when all weights are zero. */
    static int pick(double[] cdf, SplittableRandom r) {
        int n = cdf.length;
        if (n == 0 || cdf[n - 1] <= 0) {
            return -1;
        }
        double x = r.nextDouble() * cdf[n - 1];
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] > x) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** An index drawn from unnormalised weights (linear; for short arrays). */
    static int pickWeighted(double[] weights, SplittableRandom r) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = r.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
