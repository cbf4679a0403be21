package io.tunetrail.ingestion.synthetic;

import io.tunetrail.model.Activity;
import io.tunetrail.model.Device;
import io.tunetrail.model.EventType;
import io.tunetrail.model.InteractionContext;
import io.tunetrail.model.InteractionEvent;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * One listener's events, produced lazily in time order: routines become sessions, sessions become tracks, tracks
 * become a play event and now and then a like, dislike or playlist add.
 *
 * <p>{@link #advance()} computes the next event into {@link #next}; the generator merges all listeners by
 * {@link #nextMillis}. Only the current session is in memory, so a listener costs a few hundred bytes however many
 * events it makes.
 */
final class Listener {
    /** Sessions start at least this long after the previous one ended (more than the 30-minute session gap). */
    static final long MIN_SESSION_GAP_MS = 31 * 60_000L;
    /** Longest pause between two tracks of a session; with 15-minute tracks, in-session gaps stay under 20 minutes. */
    static final long MAX_PAUSE_MS = 5 * 60_000L;

    private static final double SESSION_RATE = 0.55;
    private static final double ROTATION_SHARE = 0.22;
    private static final double SAME_GENRE_AGAIN = 0.5;
    private static final double OUT_OF_TASTE_SKIP = 3.2;
    private static final double ACTIVITY_REPORTED = 0.85;
    private static final int ROTATION_SIZE = 12;
    private static final int FIT_TRIES = 10;
    private static final Device[] LEISURE_DEVICES = {Device.MOBILE, Device.DESKTOP, Device.WEB, Device.SPEAKER, Device.TV, Device.OTHER};
    private static final double[] LEISURE_DEVICE_WEIGHTS = {0.40, 0.20, 0.15, 0.12, 0.08, 0.05};

    final OrgWorld world;
    private final TrackIndex tracks;
    final int user;
    private final String userId;
    private final int cluster;
    private final SplittableRandom r;
    private final double[] genreWeights = new double[GenreTaxonomy.COUNT];
    private final int[] rotation = new int[ROTATION_SIZE];
    private final int habits;
    private final double activityLevel;
    private final double skippiness;
    private final double explore;
    private final Device primaryDevice;
    private final boolean drives;
    private final long activeFrom;
    private final long idSeed;
    private long sequence;

    // Today's planned sessions, sorted by start.
    private int day = -1;
    private final long[] planStart = new long[Habit.count()];
    private final Habit[] planHabit = new Habit[Habit.count()];
    private int planCount;
    private int planPos;

    // The current session; clock is where playback is (the end of the last session between sessions).
    private Activity activity;
    private InteractionContext context;
    private int tracksLeft;
    private long clock = Long.MIN_VALUE / 2;
    private int previousGenre;
    private boolean pickedFromRotation;
    private final double[] sessionGenreCdf = new double[GenreTaxonomy.COUNT];

    InteractionEvent next;
    long nextMillis;
    private InteractionEvent pending;

    Listener(OrgWorld world, int user, long seed, long fingerprint) {
        this.world = world;
        this.tracks = world.trackIndex;
        this.user = user;
        this.userId = world.users.get(user).userId();
        this.cluster = world.userCluster[user];
        this.r = new SplittableRandom(Rand.mix(seed, world.index, user, 7));
        this.idSeed = Rand.mix(fingerprint, world.index, user);
        this.activeFrom = Math.max(world.startMillis, world.users.get(user).firstSeen().toEpochMilli());

        // Personal taste: the cluster's affinities, each bent a little, so that no two listeners are identical.
        double[] affinity = TasteClusters.affinity(cluster);
        double sum = 0;
        for (int g = 0; g < genreWeights.length; g++) {
            genreWeights[g] = affinity[g] * Rand.lognormalFactor(r, 0.4);
            sum += genreWeights[g];
        }
        for (int g = 0; g < genreWeights.length; g++) {
            genreWeights[g] /= sum;
        }
        this.habits = Habit.assign(r, TasteClusters.CLUSTERS.get(cluster).activityBias());
        this.activityLevel = Rand.lognormalFactor(r, 0.6);
        this.skippiness = 0.13 * Rand.lognormalFactor(r, 0.35);
        this.explore = 0.04 + 0.10 * r.nextDouble();
        this.primaryDevice = LEISURE_DEVICES[Rand.pickWeighted(new double[] {0.6, 0.2, 0.1, 0.05, 0.05, 0}, r)];
        this.drives = r.nextDouble() < 0.4;
        double[] tasteCdf = Rand.cumulative(genreWeights);
        for (int i = 0; i < ROTATION_SIZE; i++) {
            int g = Rand.pick(tasteCdf, r);
            rotation[i] = tracks.genreTracks[g][Rand.pick(tracks.clusterGenreCdf[cluster][g], r)];
        }
    }

    /**
     * The listener's planted chance that a track pick outside activity sessions is this track: their heavy rotation's
     * share, plus the genre they draw (their own weights, or any genre when exploring) times the track's weight in
     * that genre for their cluster. The truth a perfect recommender would rank by; sessions' activity pulls are left
     * out (they change which genre, not who likes what).
     */
    double truePreference(int track) {
        int inRotation = 0;
        for (int t : rotation) {
            inRotation += t == track ? 1 : 0;
        }
        int g = tracks.genre[track];
        int[] inGenre = tracks.genreTracks[g];
        double[] cdf = tracks.clusterGenreCdf[cluster][g];
        int at = java.util.Arrays.binarySearch(inGenre, track);
        double withinGenre = at < 0 ? 0 : (cdf[at] - (at == 0 ? 0 : cdf[at - 1])) / cdf[cdf.length - 1];
        double genreChance = (1 - explore) * genreWeights[g] + explore / GenreTaxonomy.COUNT;
        return ROTATION_SHARE * inRotation / ROTATION_SIZE + (1 - ROTATION_SHARE) * genreChance * withinGenre;
    }

    /** Moves to the listener's next event; false (and {@link #next} null) when the span is over. */
    boolean advance() {
        if (pending != null) {
            emit(pending);
            pending = null;
            return true;
        }
        while (true) {
            if (tracksLeft > 0 && clock < world.endMillis) {
                playTrack();
                return true;
            }
            tracksLeft = 0;
            if (!startSession()) {
                next = null;
                return false;
            }
        }
    }

    private void emit(InteractionEvent event) {
        next = event;
        nextMillis = event.eventTime().toEpochMilli();
    }

    private boolean startSession() {
        while (true) {
            if (planPos >= planCount && !planNextDay()) {
                return false;
            }
            if (planPos >= planCount) {
                continue;
            }
            Habit habit = planHabit[planPos];
            long planned = planStart[planPos++];
            long start = planned;
            if (start < activeFrom) {
                continue;
            }
            if (start < clock + MIN_SESSION_GAP_MS) {
                // Overlaps the last session: move it after a proper break, or drop it when that is too late.
                start = clock + MIN_SESSION_GAP_MS + r.nextInt(20 * 60_000);
                if (start > planned + 2 * 3_600_000L) {
                    continue;
                }
            }
            if (start >= world.endMillis) {
                return false;
            }
            open(habit, start);
            return true;
        }
    }

    private boolean planNextDay() {
        day++;
        if (day >= world.dayStart.length || world.dayStart[day] >= world.endMillis) {
            return false;
        }
        planCount = 0;
        planPos = 0;
        for (int h = 0; h < Habit.count(); h++) {
            Habit habit = Habit.of(h);
            if (!habit.in(habits) || !habit.on(world.dayOfWeek[day])) {
                continue;
            }
            if (r.nextDouble() >= Math.min(0.95, habit.chance * activityLevel * SESSION_RATE)) {
                continue;
            }
            int minute = habit.fromMinute + r.nextInt(habit.toMinute - habit.fromMinute);
            long start = world.dayStart[day] + minute * 60_000L + r.nextInt(60_000);
            int i = planCount++;
            while (i > 0 && planStart[i - 1] > start) {
                planStart[i] = planStart[i - 1];
                planHabit[i] = planHabit[i - 1];
                i--;
            }
            planStart[i] = start;
            planHabit[i] = habit;
        }
        return true;
    }

    private void open(Habit habit, long start) {
        activity = habit.activity;
        Device device = device(activity);
        Activity reported = activity == Activity.NONE || r.nextDouble() < ACTIVITY_REPORTED ? activity : Activity.NONE;
        context = world.context(device, reported);
        tracksLeft = (int) Math.max(1, Math.round(habit.meanTracks * Rand.lognormalFactor(r, 0.5)));
        clock = start;
        previousGenre = -1;
        // The session's genre mix: the listener's taste, pulled towards the genres that suit the activity.
        double sum = 0;
        double best = 0;
        for (int g = 0; g < GenreTaxonomy.COUNT; g++) {
            best = Math.max(best, tracks.genreFit[activity.ordinal()][g]);
        }
        for (int g = 0; g < GenreTaxonomy.COUNT; g++) {
            double suit = tracks.genreFit[activity.ordinal()][g] / best;
            sum += genreWeights[g] * suit * suit;
            sessionGenreCdf[g] = sum;
        }
    }

    private Device device(Activity a) {
        switch (a) {
            case COMMUTE:
                return drives && r.nextDouble() < 0.7 ? Device.CAR : Device.MOBILE;
            case WORKOUT:
                return r.nextDouble() < 0.85 ? Device.MOBILE : Device.SPEAKER;
            case STUDY:
                return LEISURE_DEVICES[Rand.pickWeighted(new double[] {0.3, 0.45, 0.25, 0, 0, 0}, r)];
            case SLEEP:
                return r.nextDouble() < 0.55 ? Device.MOBILE : Device.SPEAKER;
            case PARTY:
                return LEISURE_DEVICES[Rand.pickWeighted(new double[] {0.2, 0, 0, 0.7, 0.1, 0}, r)];
            default:
                return r.nextDouble() < 0.6 ? primaryDevice : LEISURE_DEVICES[Rand.pickWeighted(LEISURE_DEVICE_WEIGHTS, r)];
        }
    }

    private void playTrack() {
        tracksLeft--;
        int t = pickTrack();
        int g = tracks.genre[t];
        long duration = tracks.durationMs[t];
        boolean inTaste = TasteClusters.inTaste(cluster, g);

        double pSkip = skippiness * (inTaste ? 1.0 : OUT_OF_TASTE_SKIP) * (pickedFromRotation ? 0.3 : 1.0)
                * (ActivityFit.selective(activity) && tracks.fit(activity, t) < 0.3 ? 1.8 : 1.0)
                * (1.15 - 0.3 * tracks.popularity[t]);
        EventType type;
        long played;
        double x = r.nextDouble();
        if (x < Math.min(0.95, pSkip)) {
            type = EventType.SKIP;
            double u = r.nextDouble();
            played = Math.min(duration - 1000, 2000 + Math.round(28_000 * u * u));
        } else if ((tracksLeft == 0 && r.nextDouble() < 0.5) || r.nextDouble() < 0.05) {
            // Stopped part-way: the session ended, or the listener moved on after a good part of the track.
            type = EventType.PLAY;
            played = 30_000 + (long) (r.nextDouble() * (duration * 0.9 - 30_000));
        } else {
            type = EventType.COMPLETE;
            played = duration;
        }
        long start = clock;
        emit(event(t, type, played, duration, start));

        // A follow-up signal during the play, at realistic low rates.
        double y = r.nextDouble();
        if (type == EventType.SKIP) {
            if (y < (inTaste ? 0.01 : 0.06)) {
                pending = event(t, EventType.DISLIKE, played, duration, start + played);
            }
        } else {
            double like = (inTaste ? 0.035 : 0.01) * (pickedFromRotation ? 2.0 : 1.0);
            double add = inTaste ? 0.018 : 0.004;
            long at = (long) (played * (0.3 + 0.7 * r.nextDouble()));
            if (y < like) {
                pending = event(t, EventType.LIKE, at, duration, start + at);
            } else if (y < like + add) {
                pending = event(t, EventType.ADD_TO_PLAYLIST, at, duration, start + at);
            }
        }
        if (pending != null && pending.eventTime().toEpochMilli() >= world.endMillis) {
            pending = null;
        }
        long pause = r.nextDouble() < 0.03 ? 60_000 + r.nextInt((int) (MAX_PAUSE_MS - 60_000)) : 300 + r.nextInt(2500);
        clock = start + played + pause;
    }

    private int pickTrack() {
        boolean selective = ActivityFit.selective(activity);
        pickedFromRotation = !selective && r.nextDouble() < ROTATION_SHARE;
        if (pickedFromRotation) {
            return rotation[r.nextInt(ROTATION_SIZE)];
        }
        int g;
        if (r.nextDouble() < explore) {
            g = selective ? Rand.pickWeighted(tracks.genreFit[activity.ordinal()], r) : r.nextInt(GenreTaxonomy.COUNT);
        } else if (previousGenre >= 0 && r.nextDouble() < SAME_GENRE_AGAIN) {
            g = previousGenre;
        } else {
            g = Rand.pick(sessionGenreCdf, r);
        }
        previousGenre = g;
        int[] inGenre = tracks.genreTracks[g];
        double[] cdf = tracks.clusterGenreCdf[cluster][g];
        if (!selective) {
            return inGenre[Rand.pick(cdf, r)];
        }
        // Keep drawing until a track suits the activity (accepted with probability = its fit), else the best seen.
        int best = -1;
        double bestFit = -1;
        for (int i = 0; i < FIT_TRIES; i++) {
            int t = inGenre[Rand.pick(cdf, r)];
            double f = tracks.fit(activity, t);
            if (r.nextDouble() < f) {
                return t;
            }
            if (f > bestFit) {
                best = t;
                bestFit = f;
            }
        }
        return best;
    }

    private InteractionEvent event(int track, EventType type, long played, long duration, long at) {
        long id = Rand.mix(idSeed, sequence++);
        // A version-4-shaped UUID from the hash: unique in practice (122 bits) and the same for the same settings.
        UUID uuid = new UUID((id & ~0xF000L) | 0x4000L, (Rand.splitMix(id) & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
        return new InteractionEvent(world.orgId(), userId, tracks.trackIds[track], type, played, duration,
                Instant.ofEpochMilli(at), context, uuid.toString(), 1);
    }
}
