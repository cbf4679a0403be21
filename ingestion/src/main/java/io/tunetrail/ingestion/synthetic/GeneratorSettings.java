package io.tunetrail.ingestion.synthetic;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the synthetic generator makes: how many orgs, how big, over which days, from which seed.
 *
 * <p>The same settings always give the same catalog and the same events, byte for byte; nothing reads the clock, so
 * the caller chooses {@code end} (the demo passes the current day, tests a fixed instant). Events fall in
 * {@code [end - days, end)}.
 *
 * <p>Sizes follow {@code scale}. At scale 1 the orgs have about 900, 560 and 410 listeners (the first org is the
 * biggest; each next one is smaller) and 4,000, 2,500 and 1,800 tracks, which gives about 350,000 events over the
 * default 28 days. Listeners and events grow linearly with scale; tracks grow with its square root (a catalog does not
 * double when its audience does) and are capped by the org's plan ({@code tracks.max} in {@code config/plans.yaml}).
 * Events are streamed, never held, so scale 100 (tens of millions of events) needs memory only for the catalog.
 *
 * @param seed     the seed of every random choice
 * @param scale    size multiplier, {@code > 0}; 1 is the default demo
 * @param orgs     number of orgs
 * @param end      the exclusive end of the event time span
 * @param days     length of the span in days; whole weeks keep every weekday equally represented
 * @param planIds  plan of each org, cycled when there are more orgs than entries (ids of {@code config/plans.yaml})
 */
public record GeneratorSettings(long seed, double scale, int orgs, Instant end, int days, List<String> planIds) {

    public static final long DEFAULT_SEED = 42L;
    public static final double DEFAULT_SCALE = 1.0;
    public static final int DEFAULT_ORGS = 3;
    public static final int DEFAULT_DAYS = 28;
    /** Cloud plans first, biggest org first: the default three orgs are enterprise, pro and starter. */
    public static final List<String> DEFAULT_PLANS = List.of("enterprise", "pro", "starter", "community");

    static final int BASE_USERS = 900;
    static final int BASE_TRACKS = 4000;
    static final int TRACKS_PER_ARTIST = 8;
    private static final double MAX_SCALE = 10_000;

    public GeneratorSettings {
        if (!(scale > 0 && scale <= MAX_SCALE)) {
            throw new IllegalArgumentException("generator scale " + scale + " is out of range: it multiplies the number of "
                    + "listeners and events; use a value above 0 and at most " + MAX_SCALE + " (1 is the default demo)");
        }
        if (orgs < 1 || orgs > 1000) {
            throw new IllegalArgumentException("generator orgs " + orgs + " is out of range; use 1 to 1000");
        }
        if (days < 1 || days > 3660) {
            throw new IllegalArgumentException("generator days " + days + " is out of range; use 1 to 3660 (ten years)");
        }
        if (end == null) {
            throw new IllegalArgumentException("generator end instant is missing; pass the end of the event span "
                    + "explicitly (e.g. today at 00:00 UTC) so that the output is reproducible");
        }
        if (planIds == null || planIds.isEmpty()) {
            throw new IllegalArgumentException("generator plan ids are empty; name at least one plan of config/plans.yaml");
        }
        planIds = List.copyOf(planIds);
    }

    /** The default demo (seed 42, scale 1, 3 orgs, 28 days) ending at {@code end}. */
    public static GeneratorSettings defaults(Instant end) {
        return new GeneratorSettings(DEFAULT_SEED, DEFAULT_SCALE, DEFAULT_ORGS, end, DEFAULT_DAYS, DEFAULT_PLANS);
    }

    public GeneratorSettings withSeed(long newSeed) {
        return new GeneratorSettings(newSeed, scale, orgs, end, days, planIds);
    }

    public GeneratorSettings withScale(double newScale) {
        return new GeneratorSettings(seed, newScale, orgs, end, days, planIds);
    }

    public GeneratorSettings withOrgs(int newOrgs) {
        return new GeneratorSettings(seed, scale, newOrgs, end, days, planIds);
    }

    public GeneratorSettings withSpan(Instant newEnd, int newDays) {
        return new GeneratorSettings(seed, scale, orgs, newEnd, newDays, planIds);
    }

    /** The inclusive start of the event time span. */
    public Instant start() {
        return end.minus(Duration.ofDays(days));
    }

    /** The plan id of the org at this index (0-based). */
    public String planId(int orgIndex) {
        return planIds.get(orgIndex % planIds.size());
    }

    /** Listeners of the org at this index. */
    public int usersPerOrg(int orgIndex) {
        return (int) Math.max(5, Math.round(BASE_USERS * scale * sizeFactor(orgIndex)));
    }

    /** Tracks of the org at this index, before the cap of the org's plan. */
    public int tracksPerOrg(int orgIndex) {
        return (int) Math.max(60, Math.round(BASE_TRACKS * Math.sqrt(scale) * sizeFactor(orgIndex)));
    }

    /** Artists for a catalog of this many tracks. */
    static int artistsFor(int tracks) {
        return Math.max(GenreTaxonomy.COUNT * 2, tracks / TRACKS_PER_ARTIST);
    }

    /** Orgs shrink with their index so the demo has one big tenant and smaller ones (1, 0.625, 0.45, 0.36, ...). */
    private static double sizeFactor(int orgIndex) {
        return 1.0 / (1.0 + 0.6 * orgIndex);
    }

    /** A hash of everything that shapes the events, so event ids change whenever the data does. */
    long fingerprint() {
        long h = Rand.mix(seed, Double.doubleToLongBits(scale), orgs, end.toEpochMilli(), days);
        for (String plan : planIds) {
            h = Rand.mix(h, plan.hashCode());
        }
        return h;
    }
}
