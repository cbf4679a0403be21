package io.tunetrail.api.service;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tunetrail.api.auth.ApiKeySecrets;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.http.Json;
import io.tunetrail.api.store.Sql;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.online.RedisKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A/B experiments over model versions: listeners are assigned to an arm by a stable hash of experiment and listener
 * (weighted), and each arm reports the feedback its model version received ({@code POST /recommendations/feedback}
 * with {@code model_version}).
 */
public final class ExperimentService {
    private static final TypeReference<List<Arm>> ARMS = new TypeReference<>() {};

    public record Arm(String name, String modelVersion, Integer weight) {
        public Arm {
            Check.text("arms.name", name, 64);
            Check.required("arms.model_version", modelVersion);
            try {
                RedisKeys.requireVersion(modelVersion);
            } catch (StoreException e) {
                throw Check.invalid("arms.model_version", "'model_version' must be 1..64 characters of A-Z a-z 0-9 . _ -");
            }
            weight = Check.range("arms.weight", weight == null ? 1 : weight, 1, 1000);
        }
    }

    public record CreateExperimentRequest(String name, List<Arm> arms) {
        public CreateExperimentRequest {
            Check.text("name", name, 200);
            Check.required("arms", arms);
            if (arms.size() < 2) {
                throw Check.invalid("arms", "an experiment compares at least two arms");
            }
            Set<String> names = new HashSet<>();
            Set<String> versions = new HashSet<>();
            for (Arm a : arms) {
                if (!names.add(a.name()) || !versions.add(a.modelVersion())) {
                    throw Check.invalid("arms", "arm names and model versions must be distinct");
                }
            }
            arms = List.copyOf(arms);
        }
    }

    public record Experiment(String experimentId, String name, List<Arm> arms, String status, Instant createdAt, Instant stoppedAt) {}

    public record Assignment(String experimentId, String userId, String arm, String modelVersion) {}

    public record ArmResult(String arm, String modelVersion, Map<String, Long> feedback, Double positiveRate) {}

    public record Results(String experimentId, String status, List<ArmResult> arms) {}

    /** How long the running experiment of an org is reused before the database is asked again. */
    private static final long RUNNING_CACHE_MILLIS = 5_000;

    private record Running(Experiment experiment, long loadedAtMillis) {}

    private final Sql sql;
    private final JedisPooled jedis;
    private final Clock clock;
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    public ExperimentService(Sql sql, JedisPooled jedis, Clock clock) {
        this.sql = sql;
        this.jedis = jedis;
        this.clock = clock;
    }

    public Experiment create(Principal p, CreateExperimentRequest r) {
        String id = ApiKeySecrets.newId("exp");
        running.remove(p.orgId());
        return sql.one("creating an experiment", "INSERT INTO ab_experiments (org_id, experiment_id, name, arms) VALUES (?, ?, ?, ?::jsonb) "
                + "RETURNING experiment_id, name, arms::text, status, created_at, stopped_at", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setString(2, id);
                    ps.setString(3, r.name());
                    ps.setString(4, new String(Json.write(r.arms()), StandardCharsets.UTF_8));
                }, ExperimentService::experiment).orElseThrow();
    }

    public List<Experiment> list(Principal p) {
        return sql.list("listing experiments", "SELECT experiment_id, name, arms::text, status, created_at, stopped_at FROM ab_experiments "
                + "WHERE org_id = ? ORDER BY created_at DESC, experiment_id", ps -> ps.setString(1, p.orgId()), ExperimentService::experiment);
    }

    public Experiment get(Principal p, String experimentId) {
        Check.id("experiment_id", experimentId);
        return sql.one("reading an experiment", "SELECT experiment_id, name, arms::text, status, created_at, stopped_at FROM ab_experiments "
                + "WHERE org_id = ? AND experiment_id = ?", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setString(2, experimentId);
                }, ExperimentService::experiment).orElseThrow(() -> ApiErrors.notFound("experiment", experimentId));
    }

    public Experiment stop(Principal p, String experimentId) {
        get(p, experimentId);
        sql.update("stopping an experiment", "UPDATE ab_experiments SET status = 'stopped', stopped_at = coalesce(stopped_at, ?) "
                + "WHERE org_id = ? AND experiment_id = ?", ps -> {
                    ps.setTimestamp(1, Sql.ts(clock.instant()));
                    ps.setString(2, p.orgId());
                    ps.setString(3, experimentId);
                });
        running.remove(p.orgId());
        return get(p, experimentId);
    }

    /** The listener's arm: the same every time for the same experiment and listener, in proportion to the weights. */
    public Assignment assign(Principal p, String experimentId, String userId) {
        Check.id("user_id", userId);
        return assignment(get(p, experimentId), userId);
    }

    private static Assignment assignment(Experiment e, String userId) {
        long total = e.arms().stream().mapToLong(Arm::weight).sum();
        long bucket = Buckets.of(e.experimentId(), userId, total);
        for (Arm a : e.arms()) {
            bucket -= a.weight();
            if (bucket < 0) {
                return new Assignment(e.experimentId(), userId, a.name(), a.modelVersion());
            }
        }
        throw new IllegalStateException("weights sum to " + total + " but no arm took bucket " + bucket);
    }

    /**
     * The arm of the org's running experiment the listener is in, or empty when none runs. With several running,
     * the earliest started decides: a newer experiment does not take listeners away from one already under way.
     * Cached per org for a few seconds (the daily mix asks on every request); starting or stopping one here takes
     * effect at once on this instance.
     */
    public Optional<Assignment> runningAssignment(String orgId, String userId) {
        long now = clock.millis();
        Running r = running.get(orgId);
        if (r == null || now - r.loadedAtMillis() > RUNNING_CACHE_MILLIS) {
            Experiment e = sql.one("reading the running experiment", "SELECT experiment_id, name, arms::text, status, created_at, stopped_at "
                    + "FROM ab_experiments WHERE org_id = ? AND status = 'running' ORDER BY created_at, experiment_id LIMIT 1",
                    ps -> ps.setString(1, orgId), ExperimentService::experiment).orElse(null);
            r = new Running(e, now);
            running.put(orgId, r);
        }
        return r.experiment() == null ? Optional.empty() : Optional.of(assignment(r.experiment(), userId));
    }

    public Results results(Principal p, String experimentId) {
        Experiment e = get(p, experimentId);
        List<Response<Map<String, String>>> counts = new ArrayList<>();
        try (Pipeline pipe = jedis.pipelined()) {
            for (Arm a : e.arms()) {
                counts.add(pipe.hgetAll(RedisKeys.feedback(p.orgId(), a.modelVersion())));
            }
            pipe.sync();
        } catch (JedisException ex) {
            throw StoreException.unavailable("Redis", "feedback counters", ex);
        }
        List<ArmResult> arms = new ArrayList<>();
        for (int i = 0; i < e.arms().size(); i++) {
            Map<String, Long> feedback = new LinkedHashMap<>();
            counts.get(i).get().forEach((k, v) -> feedback.put(k, Long.parseLong(v)));
            arms.add(new ArmResult(e.arms().get(i).name(), e.arms().get(i).modelVersion(), feedback,
                    io.tunetrail.store.online.FeedbackRate.of(feedback).rate()));
        }
        return new Results(e.experimentId(), e.status(), arms);
    }

    private static Experiment experiment(ResultSet rs) throws SQLException {
        List<Arm> arms;
        try {
            arms = Json.mapper().readValue(rs.getString(3), ARMS);
        } catch (IOException e) {
            throw new SQLException("experiment " + rs.getString(1) + " has unreadable arms", e);
        }
        return new Experiment(rs.getString(1), rs.getString(2), arms, rs.getString(4), Sql.instant(rs, "created_at"), Sql.instant(rs, "stopped_at"));
    }
}
