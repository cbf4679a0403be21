package io.tunetrail.ingestion.importers;

/** Turns audience sizes into the catalog's 0..100 popularity where a data set has none of its own. */
final class Popularity {
    private Popularity() {}

    /**
     * {@code 100 * ln(1 + count) / ln(1 + max)}, rounded: logarithmic because audiences are long-tailed, so a linear
     * scale would put almost every item at 0. The most popular item gets 100, an item nobody used 0.
     */
    static int logScaled(long count, long max) {
        if (count <= 0 || max <= 0) {
            return 0;
        }
        return (int) Math.round(100.0 * Math.log1p(count) / Math.log1p(max));
    }
}
