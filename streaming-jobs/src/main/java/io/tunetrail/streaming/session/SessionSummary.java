package io.tunetrail.streaming.session;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * One closed listening session of a listener: the record of the {@code sessions} result topic and Delta table, and
 * what the per-user rolling features are folded from.
 *
 * <p>Definitions (the IT's ground truth repeats them in plain Java): events of every type delimit the session (start =
 * first event, end = last event); {@code tracksPlayed} counts playbacks (play, skip, complete); the completion and skip
 * rates are completes and skips over playbacks; minutes, artists and genres are those of playbacks (a track's played
 * time counts for each of its genres); the top genre has the most played time (ties: smallest id); the dominant
 * activity is the most frequent over all events (ties: the order of {@code Activity}); hour of day and day of week
 * (1 = Monday) are of the start, in UTC. {@code recentTracks} are the session's distinct tracks newest first,
 * {@code genreMs} the played time per genre ("g=ms;g=ms", for the rolling top genres).
 */
public record SessionSummary(
        String orgId,
        String userId,
        long startMs,
        long endMs,
        long events,
        long tracksPlayed,
        long completes,
        long skips,
        long playedMs,
        int distinctArtists,
        int distinctGenres,
        String topGenre,
        String dominantActivity,
        int hourOfDay,
        int dayOfWeek,
        String recentTracks,
        String genreMs) {

    public long durationMs() {
        return endMs - startMs;
    }

    public double completionRate() {
        return tracksPlayed == 0 ? 0.0 : (double) completes / tracksPlayed;
    }

    public double skipRate() {
        return tracksPlayed == 0 ? 0.0 : (double) skips / tracksPlayed;
    }

    public double minutesListened() {
        return playedMs / 60_000.0;
    }

    public LocalDate sessionDate() {
        return LocalDate.ofInstant(Instant.ofEpochMilli(startMs), ZoneOffset.UTC);
    }

    static int hourOf(long ms) {
        return ZonedDateTime.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC).getHour();
    }

    static int dayOfWeekOf(long ms) {
        return ZonedDateTime.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC).getDayOfWeek().getValue();
    }
}
