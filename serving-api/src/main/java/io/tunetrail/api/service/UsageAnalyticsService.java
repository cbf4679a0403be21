package io.tunetrail.api.service;

import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.limits.UsageLimiter;
import io.tunetrail.api.store.Sql;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.online.RedisKeys;
import java.sql.Date;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Usage of an org (or of one team) over a time range, grouped and bucketed. Two sources, each for what only it holds:
 *
 * <ul>
 *   <li><b>calls</b> ({@code group_by} = key, member, team, route): API calls admitted, from the per-key counters the
 *       limit script keeps in Redis for {@value UsageLimiter#KEY_USAGE_DAYS} days, by route and by UTC hour. A key's
 *       calls are its own; a <b>member</b>'s are those of the keys the member owns (org keys, which belong to no one,
 *       form the group {@code null}); a <b>team</b>'s those of the keys of the team (keys of no team: {@code null});
 *       a <b>route</b>'s are the calls of that method and path over all keys in scope. Keys are attributed by their
 *       current team and member.</li>
 *   <li><b>units</b> ({@code group_by} = resource): billed units per metered resource (api_calls, audio_analysis,
 *       model_training) from the billing ledger {@code usage_ledger}, closed UTC days and months, any age; no hours.
 *       Org-wide it includes usage without a key (scheduled training); for a team only its keys' usage.</li>
 * </ul>
 */
public final class UsageAnalyticsService {
    public enum GroupBy { TEAM, MEMBER, KEY, RESOURCE, ROUTE }

    public enum Granularity { HOUR, DAY, MONTH }

    /** At most this many buckets per answer: an hourly year is a request to narrow. */
    static final int MAX_BUCKETS = 1_000;
    /** At most this many per-key day counters read per answer. */
    static final int MAX_KEY_DAYS = 20_000;

    public record Row(Instant periodStart, String group, long value) {}

    /**
     * {@code dataFrom} is where the source's data starts within the range: calls are kept
     * {@value UsageLimiter#KEY_USAGE_DAYS} days, so a range reaching further back is answered from then on.
     */
    public record Report(String groupBy, String granularity, Instant from, Instant to, Instant dataFrom, String teamId, String measure,
            String source, List<Row> rows, Map<String, Long> totals) {}

    /** A validated request: every refusal names its query parameter. */
    public record Query(GroupBy groupBy, Granularity granularity, Instant from, Instant to) {
        public static Query parse(String groupBy, String granularity, String from, String to, Instant now) {
            GroupBy g = choice(GroupBy.class, "group_by", groupBy, null);
            Granularity gr = choice(Granularity.class, "granularity", granularity, Granularity.DAY);
            Instant end = to == null || to.isEmpty() ? now : instant("to", to);
            Instant start = from == null || from.isEmpty() ? end.minus(7, ChronoUnit.DAYS) : instant("from", from);
            start = floor(start, gr);
            end = ceil(end, gr);
            if (!start.isBefore(end)) {
                throw Check.invalid("from", "'from' must be before 'to'");
            }
            if (buckets(start, end, gr) > MAX_BUCKETS) {
                throw Check.invalid("from", String.format(Locale.ROOT, "the range holds more than %d %s buckets; narrow it or choose a coarser "
                        + "granularity", MAX_BUCKETS, gr.name().toLowerCase(Locale.ROOT)));
            }
            return new Query(g, gr, start, end);
        }

        private static <E extends Enum<E>> E choice(Class<E> type, String field, String raw, E fallback) {
            if (raw == null || raw.isEmpty()) {
                if (fallback == null) {
                    throw ApiErrors.missingField(field);
                }
                return fallback;
            }
            for (E e : type.getEnumConstants()) {
                if (e.name().toLowerCase(Locale.ROOT).equals(raw)) {
                    return e;
                }
            }
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                names.add(e.name().toLowerCase(Locale.ROOT));
            }
            throw Check.invalid(field, "'" + field + "' must be one of " + String.join(", ", names) + ", not '" + raw + "'");
        }

        /** An ISO-8601 instant, or a date meaning its UTC midnight. */
        private static Instant instant(String field, String raw) {
            try {
                return raw.length() == 10 ? LocalDate.parse(raw).atStartOfDay().toInstant(ZoneOffset.UTC) : Instant.parse(raw);
            } catch (DateTimeParseException e) {
                throw Check.invalid(field, "'" + field + "' must be a date (2026-12-01) or an ISO-8601 instant (2026-12-01T13:00:00Z), not '"
                        + raw + "'");
            }
        }
    }

    /** Whether a field of a key's day hash is an hourly count ("@HH route") rather than the day's count of a route. */
    public static boolean isHourField(String field) {
        return field.startsWith("@");
    }

    private record KeyOwner(String keyId, String teamId, String memberId) {}

    private final Sql sql;
    private final JedisPooled jedis;
    private final Clock clock;

    public UsageAnalyticsService(Sql sql, JedisPooled jedis, Clock clock) {
        this.sql = sql;
        this.jedis = jedis;
        this.clock = clock;
    }

    /**
     * The usage of the caller's org, or of team {@code teamId} (a team's key: always its own team; another team, or
     * another org's, is not found).
     */
    public Report usage(Principal p, String teamId, Query q) {
        String team = teamId == null || teamId.isEmpty() ? p.teamId() : Check.id("team_id", teamId);
        if (team != null && ((p.teamId() != null && !p.teamId().equals(team)) || !teamExists(p.orgId(), team))) {
            throw ApiErrors.notFound("team", team);
        }
        boolean units = q.groupBy() == GroupBy.RESOURCE;
        List<Row> rows = units ? ledger(p.orgId(), team, q) : calls(p.orgId(), team, q);
        Map<String, Long> totals = new TreeMap<>();
        for (Row r : rows) {
            totals.merge(String.valueOf(r.group()), r.value(), Long::sum);
        }
        Instant dataFrom = units ? q.from() : max(q.from(), oldestCallDay().atStartOfDay().toInstant(ZoneOffset.UTC));
        return new Report(q.groupBy().name().toLowerCase(Locale.ROOT), q.granularity().name().toLowerCase(Locale.ROOT), q.from(), q.to(), dataFrom, team,
                units ? "units" : "calls", units ? "usage_ledger" : "key_usage_counters", rows, totals);
    }

    private boolean teamExists(String orgId, String teamId) {
        return sql.one("reading team " + teamId, "SELECT 1 FROM teams WHERE org_id = ? AND team_id = ?", ps -> {
            ps.setString(1, orgId);
            ps.setString(2, teamId);
        }, rs -> true).isPresent();
    }

    // --- units: the billing ledger --------------------------------------------------------------------------

    private List<Row> ledger(String orgId, String team, Query q) {
        if (q.granularity() == Granularity.HOUR) {
            throw Check.invalid("granularity", "the billing ledger counts units per UTC day and month; use granularity day or month, "
                    + "or group by key, member, team or route for hourly calls");
        }
        String period = q.granularity() == Granularity.DAY ? "day" : "month";
        return sql.list("reading usage by resource", "SELECT l.period_start, l.resource, sum(l.units) FROM usage_ledger l "
                + "LEFT JOIN api_keys k ON k.org_id = l.org_id AND k.key_id = l.api_key_id "
                + "WHERE l.org_id = ? AND l.period = ? AND l.period_start >= ? AND l.period_start < ? AND (?::text IS NULL OR k.team_id = ?) "
                + "GROUP BY l.period_start, l.resource ORDER BY l.period_start, l.resource", ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, period);
                    ps.setDate(3, Date.valueOf(LocalDate.ofInstant(q.from(), ZoneOffset.UTC)));
                    ps.setDate(4, Date.valueOf(LocalDate.ofInstant(q.to(), ZoneOffset.UTC)));
                    ps.setString(5, team);
                    ps.setString(6, team);
                }, rs -> new Row(rs.getDate(1).toLocalDate().atStartOfDay().toInstant(ZoneOffset.UTC), rs.getString(2), rs.getLong(3)));
    }

    // --- calls: the per-key counters ------------------------------------------------------------------------

    private List<Row> calls(String orgId, String team, Query q) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate first = max(LocalDate.ofInstant(q.from(), ZoneOffset.UTC), oldestCallDay());
        // The last day with any part in [from, to); never past today, where nothing was counted yet.
        LocalDate last = LocalDate.ofInstant(q.to().minusNanos(1), ZoneOffset.UTC);
        if (last.isAfter(today)) {
            last = today;
        }
        List<KeyOwner> keys = keys(orgId, team);
        long days = first.isAfter(last) ? 0 : ChronoUnit.DAYS.between(first, last) + 1;
        if (keys.size() * days > MAX_KEY_DAYS) {
            throw Check.invalid("from", "the org has " + keys.size() + " keys; over " + days + " days that is more counters than one answer "
                    + "reads (" + MAX_KEY_DAYS + "); narrow the range or scope it to a team (team_id)");
        }
        List<LocalDate> dayList = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            dayList.add(d);
        }
        List<Response<Map<String, String>>> hashes = new ArrayList<>(keys.size() * dayList.size());
        try (Pipeline pipe = jedis.pipelined()) {
            for (KeyOwner k : keys) {
                for (LocalDate d : dayList) {
                    hashes.add(pipe.hgetAll(RedisKeys.keyUsageDay(orgId, k.keyId(), d)));
                }
            }
            pipe.sync();
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", "key usage counters", e);
        }
        // bucket start -> group -> calls; LinkedHashMap inside a TreeMap keeps buckets in time order.
        TreeMap<Instant, Map<String, Long>> buckets = new TreeMap<>();
        int i = 0;
        for (KeyOwner k : keys) {
            for (LocalDate d : dayList) {
                Map<String, String> counts = hashes.get(i++).get();
                counts.forEach((field, count) -> add(buckets, q, k, d, field, Long.parseLong(count)));
            }
        }
        List<Row> rows = new ArrayList<>();
        buckets.forEach((start, groups) -> new TreeMap<>(groups).forEach((g, n) -> rows.add(new Row(start, textAsNull(g), n))));
        return rows;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** The first UTC day whose calls are still counted: older per-key counters have expired. */
    private LocalDate oldestCallDay() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(UsageLimiter.KEY_USAGE_DAYS);
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    private static void add(TreeMap<Instant, Map<String, Long>> buckets, Query q, KeyOwner k, LocalDate day, String field, long count) {
        boolean hourly = isHourField(field);
        if (hourly != (q.granularity() == Granularity.HOUR)) {
            // Day and month buckets sum the route totals; hour buckets the hourly fields. Each call is in both.
            return;
        }
        Instant start;
        String route;
        if (hourly) {
            int space = field.indexOf(' ');
            start = day.atStartOfDay().toInstant(ZoneOffset.UTC).plus(Integer.parseInt(field.substring(1, space)), ChronoUnit.HOURS);
            route = field.substring(space + 1);
        } else {
            start = floor(day.atStartOfDay().toInstant(ZoneOffset.UTC), q.granularity());
            route = field;
        }
        if (hourly && (start.isBefore(q.from()) || !start.isBefore(q.to()))) {
            return;
        }
        String group = switch (q.groupBy()) {
            case KEY -> k.keyId();
            case MEMBER -> k.memberId();
            case TEAM -> k.teamId();
            case ROUTE -> route;
            case RESOURCE -> throw new IllegalStateException("resources are read from the ledger");
        };
        buckets.computeIfAbsent(start, s -> new LinkedHashMap<>()).merge(group == null ? NULL_GROUP : group, count, Long::sum);
    }

    /** Stands for the null group (org keys, keys of no team) while sorting; ids cannot start with a NUL. */
    private static final String NULL_GROUP = "\u0000";

    private static String textAsNull(String group) {
        return NULL_GROUP.equals(group) ? null : group;
    }

    /** The org's keys (revoked ones too: their past calls count), or a team's, with their current team and member. */
    private List<KeyOwner> keys(String orgId, String team) {
        return sql.list("listing keys for usage", "SELECT key_id, team_id, member_id FROM api_keys WHERE org_id = ? "
                + "AND (?::text IS NULL OR team_id = ?) ORDER BY key_id", ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, team);
                    ps.setString(3, team);
                }, rs -> new KeyOwner(rs.getString(1), rs.getString(2), rs.getString(3)));
    }

    // --- time buckets ---------------------------------------------------------------------------------------

    static Instant floor(Instant t, Granularity g) {
        return switch (g) {
            case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
            case DAY -> t.truncatedTo(ChronoUnit.DAYS);
            case MONTH -> LocalDate.ofInstant(t, ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        };
    }

    static Instant ceil(Instant t, Granularity g) {
        Instant f = floor(t, g);
        if (f.equals(t)) {
            return t;
        }
        return switch (g) {
            case HOUR -> f.plus(1, ChronoUnit.HOURS);
            case DAY -> f.plus(1, ChronoUnit.DAYS);
            case MONTH -> LocalDate.ofInstant(f, ZoneOffset.UTC).plusMonths(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        };
    }

    static long buckets(Instant from, Instant to, Granularity g) {
        return switch (g) {
            case HOUR -> ChronoUnit.HOURS.between(from, to);
            case DAY -> ChronoUnit.DAYS.between(from, to);
            case MONTH -> ChronoUnit.MONTHS.between(LocalDate.ofInstant(from, ZoneOffset.UTC), LocalDate.ofInstant(to, ZoneOffset.UTC));
        };
    }
}
