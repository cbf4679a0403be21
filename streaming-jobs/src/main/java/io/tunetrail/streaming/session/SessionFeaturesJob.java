package io.tunetrail.streaming.session;

import io.tunetrail.model.EventCodec;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.streaming.common.Envelope;
import io.tunetrail.streaming.common.EventDecoder;
import io.tunetrail.streaming.common.EventRouter;
import io.tunetrail.streaming.common.KafkaIo;
import io.tunetrail.streaming.common.Listen;
import io.tunetrail.streaming.common.RedisSink;
import io.tunetrail.streaming.common.Rejected;
import io.tunetrail.streaming.common.StreamSettings;
import io.tunetrail.streaming.common.WindowLate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * session-features: listening events ({@code interactions}) per listener in event-time sessions (gap
 * {@code session.gap-minutes}; {@link ListenerSessions}), summarised per session ({@link SessionSummary}) and folded into each listener's
 * rolling 7-day features and most recent tracks ({@link UserFeaturesFunction}).
 *
 * <p>Sinks: the {@code user_sessions} feature view in Redis (HSET of the whole row + TTL: absolute, so a replay after a
 * restore rewrites the same row); closed sessions to the {@code sessions} topic (exactly once, Kafka transactions),
 * which the lander lands in the {@code sessions} Delta table (see {@code UsageCountersJob} for why Kafka and not a
 * Flink Delta sink); refused and late records to the dead-letter topic. Allowed lateness is part of the watermark's
 * bound ({@code EventRouter}), so each session is emitted once, when final: a session row is never revised.
 */
public final class SessionFeaturesJob {
    public static final String NAME = "session-features";

    private final StreamSettings settings;
    private final Source<Envelope, ?, ?> source;
    private final MapFunction<Listen, Listen> catalog;
    private final Sink<Rejected> deadLetters;
    private final Sink<SessionSummary> sessions;
    private final Sink<UserFeatures> features;
    private MapFunction<Listen, Listen> probe;

    public SessionFeaturesJob(StreamSettings settings, Source<Envelope, ?, ?> source, MapFunction<Listen, Listen> catalog,
            Sink<Rejected> deadLetters, Sink<SessionSummary> sessions, Sink<UserFeatures> features) {
        this.settings = settings;
        this.source = source;
        this.catalog = catalog;
        this.deadLetters = deadLetters;
        this.sessions = sessions;
        this.features = features;
    }

    /** The job on the configured Kafka topics, PostgreSQL catalog and Redis. */
    public static SessionFeaturesJob production(StreamSettings s) {
        EventDecoder decoder = new EventDecoder(s.interactionsTopic(), s.usageTopic(), EventDecoder.InteractionsAs.LISTEN, s.maxFutureMs());
        return new SessionFeaturesJob(s, KafkaIo.source(s, NAME, decoder, s.interactionsTopic()), new CatalogEnricher(s.stores()),
                KafkaIo.deadLetterSink(s, NAME),
                KafkaIo.resultSink(s, NAME, s.sessionsTopic(), SessionFeaturesJob::key, SessionFeaturesJob::json),
                new RedisSink<>(s.stores(), SessionFeaturesJob::writeFeatures));
    }

    /** A function every accepted event passes through after routing (tests use it to fail the job once). */
    public SessionFeaturesJob withProbe(MapFunction<Listen, Listen> probe) {
        this.probe = probe;
        return this;
    }

    public void build(StreamExecutionEnvironment env) {
        DataStream<Envelope> envelopes = env.fromSource(source, KafkaIo.watermarks(settings), NAME + "-source").uid(NAME + "-source");
        SingleOutputStreamOperator<Listen> routed = envelopes
                .process(new EventRouter<>(NAME, settings.latenessBoundMs(), e -> e.listen), TypeInformation.of(Listen.class))
                .name("decode-and-route").uid(NAME + "-router");
        DataStream<Listen> listens = routed.map(catalog).name("catalog").uid(NAME + "-catalog");
        if (probe != null) {
            listens = listens.map(probe).name("probe").uid(NAME + "-probe");
        }
        int recent = settings.recentTracks();
        OutputTag<Listen> late = new OutputTag<>("late-sessions", TypeInformation.of(Listen.class));
        // Not the uid of the window operator this replaced ("-sessions"): its state has another shape, so a checkpoint
        // from before cannot be restored into it (README, "Upgrading across the session operator").
        SingleOutputStreamOperator<SessionSummary> closed = listens.keyBy(Listen::userKey)
                .process(new ListenerSessions(settings.sessionGapMs(), recent, late), TypeInformation.of(SessionSummary.class))
                .name("sessions").uid(NAME + "-listener-sessions");
        DataStream<Rejected> windowLate = closed.getSideOutput(late).process(new WindowLate<>(NAME)).name("window-late")
                .uid(NAME + "-window-late");
        // A session leaves its window on the subtask that owns its listener's key, the same key user-features uses:
        // reinterpreted rather than keyBy'd again, the two chain and a session is not serialised and shuffled.
        DataStream<UserFeatures> users = DataStreamUtils.reinterpretAsKeyedStream(closed, SessionFeaturesJob::userKey, Types.STRING)
                .process(new UserFeaturesFunction(recent)).name("user-features").uid(NAME + "-user-features");

        closed.sinkTo(sessions).name("sessions-topic").uid(NAME + "-sessions-sink");
        users.sinkTo(features).name("user-sessions-redis").uid(NAME + "-features-sink");
        routed.getSideOutput(EventRouter.DEAD_LETTERS).union(windowLate).sinkTo(deadLetters).name("dead-letters")
                .uid(NAME + "-dead-letter-sink");
    }

    /** The listener's key, as {@link Listen#userKey} keys the sessions. */
    static String userKey(SessionSummary s) {
        return s.orgId() + "|" + s.userId();
    }

    static String key(SessionSummary s) {
        return s.orgId() + "/" + s.userId();
    }

    /** The record of the sessions topic (and of the Delta table the lander fills from it). */
    static byte[] json(SessionSummary s) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("org_id", s.orgId());
        row.put("user_id", s.userId());
        row.put("session_start", Instant.ofEpochMilli(s.startMs()).toString());
        row.put("session_end", Instant.ofEpochMilli(s.endMs()).toString());
        row.put("session_date", s.sessionDate().toString());
        row.put("duration_ms", s.durationMs());
        row.put("events", s.events());
        row.put("tracks_played", s.tracksPlayed());
        row.put("completion_rate", s.completionRate());
        row.put("skip_rate", s.skipRate());
        row.put("minutes_listened", s.minutesListened());
        row.put("distinct_artists", s.distinctArtists());
        row.put("distinct_genres", s.distinctGenres());
        row.put("top_genre", s.topGenre().isEmpty() ? null : s.topGenre());
        row.put("dominant_activity", s.dominantActivity());
        row.put("hour_of_day", s.hourOfDay());
        row.put("day_of_week", s.dayOfWeek());
        try {
            return EventCodec.mapper().writeValueAsBytes(row);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a session", e);
        }
    }

    /** Writes the newest row of each listener in the batch, per org, as whole rows of the user_sessions view. */
    static void writeFeatures(RedisOnlineStore store, List<UserFeatures> batch) {
        Map<String, Map<String, FeatureRow>> byOrg = new LinkedHashMap<>();
        for (UserFeatures f : batch) {
            byOrg.computeIfAbsent(f.orgId(), o -> new LinkedHashMap<>()).put(f.userId(), row(f));
        }
        byOrg.forEach((org, rows) -> store.writeBatch(org, FeatureViews.USER_SESSIONS, null, new ArrayList<>(rows.values())));
    }

    static FeatureRow row(UserFeatures f) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("sessions_7d", f.sessions7d());
        v.put("minutes_listened_7d", f.minutesListened7d());
        v.put("skip_rate_7d", f.skipRate7d());
        v.put("top_genres_7d", ids(f.topGenres7d()));
        v.put("recent_tracks", ids(f.recentTracks()));
        v.put("updated_at_ms", f.updatedAtMs());
        return new FeatureRow(f.userId(), v);
    }

    private static List<String> ids(String joined) {
        return joined.isEmpty() ? List.of() : List.of(joined.split(","));
    }
}
