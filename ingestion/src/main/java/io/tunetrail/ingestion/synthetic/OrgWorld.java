package io.tunetrail.ingestion.synthetic;

import io.tunetrail.model.Activity;
import io.tunetrail.model.Artist;
import io.tunetrail.model.AudioFeatures;
import io.tunetrail.model.Device;
import io.tunetrail.model.EndUser;
import io.tunetrail.model.Genre;
import io.tunetrail.model.InteractionContext;
import io.tunetrail.model.Org;
import io.tunetrail.model.Track;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything generated for one org: its catalog rows, its listeners' clusters, the sampling index of its tracks and
 * the local-day grid of the event span. Immutable once built; shared by all of the org's listeners.
 */
final class OrgWorld {
    final int index;
    final Org org;
    /** The org's home time zone: all its listeners live their routines in it. */
    final ZoneId zone;
    final long startMillis;
    final long endMillis;
    /** Epoch millis of each local midnight from the day containing the start to the day containing the end. */
    final long[] dayStart;
    final DayOfWeek[] dayOfWeek;

    final List<EndUser> users;
    final int[] userCluster;
    final List<Artist> artists;
    final List<Genre> genres;
    final List<Track> tracks;
    final List<AudioFeatures> features;
    final TrackIndex trackIndex;

    private final InteractionContext[][] contexts;

    OrgWorld(int index, Org org, ZoneId zone, Instant start, Instant end, List<EndUser> users, int[] userCluster,
             List<Artist> artists, List<Genre> genres, List<Track> tracks, List<AudioFeatures> features,
             TrackIndex trackIndex) {
        this.index = index;
        this.org = org;
        this.zone = zone;
        this.startMillis = start.toEpochMilli();
        this.endMillis = end.toEpochMilli();
        this.users = List.copyOf(users);
        this.userCluster = userCluster;
        this.artists = List.copyOf(artists);
        this.genres = List.copyOf(genres);
        this.tracks = List.copyOf(tracks);
        this.features = List.copyOf(features);
        this.trackIndex = trackIndex;

        List<Long> starts = new ArrayList<>();
        List<DayOfWeek> weekdays = new ArrayList<>();
        LocalDate last = LocalDate.ofInstant(end, zone);
        for (LocalDate d = LocalDate.ofInstant(start, zone); !d.isAfter(last); d = d.plusDays(1)) {
            starts.add(d.atStartOfDay(zone).toInstant().toEpochMilli());
            weekdays.add(d.getDayOfWeek());
        }
        this.dayStart = starts.stream().mapToLong(Long::longValue).toArray();
        this.dayOfWeek = weekdays.toArray(new DayOfWeek[0]);

        // Events share these few immutable contexts instead of allocating one per event.
        this.contexts = new InteractionContext[Device.values().length][Activity.values().length];
        for (Device d : Device.values()) {
            for (Activity a : Activity.values()) {
                contexts[d.ordinal()][a.ordinal()] = new InteractionContext(d, a);
            }
        }
    }

    String orgId() {
        return org.orgId();
    }

    InteractionContext context(Device device, Activity activity) {
        return contexts[device.ordinal()][activity.ordinal()];
    }
}
