package io.tunetrail.batch.eval;

/**
 * NumPy's legacy global generator, bit for bit: {@code numpy.random.seed(s)} (MT19937 seeded by {@code init_genrand})
 * followed by {@code numpy.random.rand()} (53-bit doubles from two 32-bit draws). The stratified split is defined by
 * these draws so that its figures compare with tables published by Python libraries on the same split.
 */
public final class NumpyRandom {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int index;

    /** The state {@code numpy.random.seed(seed)} leaves; NumPy accepts seeds in 0..2^32-1. */
    public NumpyRandom(long seed) {
        if (seed < 0 || seed > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("a NumPy seed lies in 0..4294967295, was " + seed);
        }
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        index = N;
    }

    /** The next value of {@code numpy.random.rand()}, in [0, 1). */
    public double rand() {
        long a = (nextInt() & 0xFFFFFFFFL) >>> 5;
        long b = (nextInt() & 0xFFFFFFFFL) >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /** {@code numpy.random.rand(n)}. */
    public double[] rand(int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = rand();
        }
        return out;
    }

    private int nextInt() {
        if (index >= N) {
            twist();
        }
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
            mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
        }
        index = 0;
    }
}
