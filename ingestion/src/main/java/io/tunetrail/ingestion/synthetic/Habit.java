package io.tunetrail.ingestion.synthetic;

import io.tunetrail.model.Activity;
import java.time.DayOfWeek;
import java.util.SplittableRandom;

/**
 * A listening routine: an activity, the days and local time window in which it starts, how often it happens on
 * such a day and how long its sessions are.
 *
 * <p>Every listener has the evening and weekend routines; commuting, workouts, study, bedtime and parties are habits
 * only some listeners have, more often in the clusters that suit them ({@link TasteClusters.Def#activityBias()}).
 * Together they make the planted daily shape: a weekday morning commute peak (07:00-09:00), a lunch bump, an evening
 * peak (19:00-23:00) that is the busiest time of day, weekend listening that starts later and spreads over the
 * afternoon, Friday and Saturday night parties, and almost nothing between 02:00 and 05:00.
 */
enum Habit {
    MORNING_COMMUTE(Activity.COMMUTE, Days.WEEKDAYS, 7 * 60, 8 * 60 + 45, 0.55, 7),
    EVENING_COMMUTE(Activity.COMMUTE, Days.WEEKDAYS, 17 * 60, 18 * 60 + 45, 0.45, 7),
    MORNING_WORKOUT(Activity.WORKOUT, Days.ALL, 6 * 60, 7 * 60 + 45, 0.35, 13),
    EVENING_WORKOUT(Activity.WORKOUT, Days.WEEKDAYS, 18 * 60, 20 * 60, 0.40, 13),
    WORK_FOCUS(Activity.STUDY, Days.WEEKDAYS, 9 * 60 + 30, 16 * 60, 0.40, 15),
    EVENING_STUDY(Activity.STUDY, Days.SUNDAY_TO_THURSDAY, 19 * 60 + 30, 22 * 60 + 30, 0.35, 13),
    BEDTIME(Activity.SLEEP, Days.ALL, 22 * 60 + 30, 24 * 60 + 30, 0.40, 7),
    PARTY(Activity.PARTY, Days.FRIDAY_SATURDAY, 21 * 60, 24 * 60, 0.50, 22),
    LUNCH_BREAK(Activity.NONE, Days.WEEKDAYS, 12 * 60, 13 * 60 + 15, 0.25, 5),
    EVENING_LEISURE(Activity.NONE, Days.ALL, 19 * 60, 22 * 60 + 30, 0.55, 8),
    WEEKEND_DAYTIME(Activity.NONE, Days.WEEKEND, 10 * 60, 18 * 60, 0.55, 10);

    /** Day-of-week bit masks (bit n is {@code DayOfWeek.of(n + 1)}, Monday first). */
    static final class Days {
        static final int WEEKDAYS = 0b0011111;
        static final int WEEKEND = 0b1100000;
        static final int ALL = 0b1111111;
        static final int FRIDAY_SATURDAY = 0b0110000;
        static final int SUNDAY_TO_THURSDAY = 0b1001111;

        private Days() {}
    }

    private static final Habit[] VALUES = values();

    final Activity activity;
    private final int days;
    /** Earliest and latest session start, in minutes after local midnight (past 24:00 means after midnight). */
    final int fromMinute;
    final int toMinute;
    /** Chance that a listener with this habit has such a session on an eligible day, before their activity level. */
    final double chance;
    final int meanTracks;

    Habit(Activity activity, int days, int fromMinute, int toMinute, double chance, int meanTracks) {
        this.activity = activity;
        this.days = days;
        this.fromMinute = fromMinute;
        this.toMinute = toMinute;
        this.chance = chance;
        this.meanTracks = meanTracks;
    }

    boolean on(DayOfWeek day) {
        return (days & (1 << (day.getValue() - 1))) != 0;
    }

    boolean in(int habitMask) {
        return (habitMask & (1 << ordinal())) != 0;
    }

    static Habit of(int ordinal) {
        return VALUES[ordinal];
    }

    static int count() {
        return VALUES.length;
    }

    /** Draws a listener's habits as a bit mask over ordinals; {@code bias} is the cluster's activity bias. */
    static int assign(SplittableRandom r, double[] bias) {
        int mask = bit(EVENING_LEISURE) | bit(WEEKEND_DAYTIME);
        if (r.nextDouble() < 0.35) {
            mask |= bit(LUNCH_BREAK);
        }
        if (r.nextDouble() < chance(0.55, bias, Activity.COMMUTE)) {
            mask |= bit(MORNING_COMMUTE) | bit(EVENING_COMMUTE);
        }
        if (r.nextDouble() < chance(0.35, bias, Activity.WORKOUT)) {
            mask |= bit(r.nextDouble() < 0.4 ? MORNING_WORKOUT : EVENING_WORKOUT);
        }
        if (r.nextDouble() < chance(0.30, bias, Activity.STUDY)) {
            mask |= bit(r.nextDouble() < 0.5 ? WORK_FOCUS : EVENING_STUDY);
        }
        if (r.nextDouble() < chance(0.22, bias, Activity.SLEEP)) {
            mask |= bit(BEDTIME);
        }
        if (r.nextDouble() < chance(0.22, bias, Activity.PARTY)) {
            mask |= bit(PARTY);
        }
        return mask;
    }

    private static double chance(double base, double[] bias, Activity activity) {
        return Math.min(0.95, base * bias[activity.ordinal()]);
    }

    private static int bit(Habit h) {
        return 1 << h.ordinal();
    }
}
