package io.tunetrail.store.online;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Ids;
import io.tunetrail.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The {@link OnlineStore} on Redis, with the key layout of {@link RedisKeys} ({@code feature-store/KEYS.md}).
 *
 * <p>Rows are hashes; writes go in MULTI/EXEC chunks so a row and its TTL are set together; reads of LATEST rows are
 * one pipeline, reads of VERSIONED rows one Lua script that resolves the active version and reads the rows in the
 * same atomic step, so a version switch is never seen half-done. Usage counters are plain integers incremented in a
 * transaction and read with one MGET.
 *
 * <p>Create it with {@link #connect(PlatformConfig)} where it is used (it holds a connection pool and is not
 * serialisable), share it between threads, and close it when done.
 */
public final class RedisOnlineStore implements OnlineStore {
    /** Rows per MULTI/EXEC: big enough to amortise round trips, small enough not to stall Redis for others. */
    private static final int WRITE_CHUNK = 500;

    // KEYS[1]: the view's active-version key; KEYS[2] (USER views only): its canary key. ARGV[1], ARGV[2]: the row key's
    // parts before and after the entity id (RedisKeys.versionedParts). ARGV[3..]: entity ids. Returns {} without an
    // active version, else {version, HGETALL of each row}: a listener in a running canary's share gets the candidate's
    // row (the active version's when the candidate has none for them). Row keys are built here, after the version is
    // known; they share KEYS[1]'s hash tag, so on a cluster they are in the script's slot.
    static final String READ_VERSIONED = String.join("\n",
            CanarySplit.LUA_FUNCTIONS,
            "local version = redis.call('GET', KEYS[1])",
            "if not version then return {} end",
            "local canary = read_canary(KEYS[2] or '')",
            "local out = {version}",
            "for i = 3, #ARGV do",
            "  out[#out + 1] = read_row(ARGV[1] .. ARGV[i] .. ARGV[2], version, canary, ARGV[i])",
            "end",
            "return out");
    private static final String READ_VERSIONED_SHA = sha1(READ_VERSIONED);

    /**
     * A Lua function {@code read_rows(first)} for a script of another module that reads one entity's feature rows in
     * the same round trip as its own work (the API's limit check prefetches the daily mix's rows so). It reads the
     * ARGV groups from index {@code first} that {@link #rowReadArgs} builds, resolving a VERSIONED view's active
     * version (and a running canary's arm) in the same atomic step as its row, and returns one {version or '', HGETALL}
     * per view; pass the result to {@link #decodeRowReads}. The keys are built here, so the layout stays this class's
     * and {@link RedisKeys}'.
     */
    public static final String READ_ROWS_FUNCTION = String.join("\n",
            CanarySplit.LUA_FUNCTIONS,
            "local function read_rows(first)",
            "  local out = {}",
            "  for i = first, #ARGV, 5 do",
            "    if ARGV[i] == 'v' then",
            "      local version = redis.call('GET', ARGV[i + 1])",
            "      if version then out[#out + 1] = {version, read_row(ARGV[i + 2], version, read_canary(ARGV[i + 3]), ARGV[i + 4])}",
            "      else out[#out + 1] = {'', {}} end",
            "    else",
            "      out[#out + 1] = {'', redis.call('HGETALL', ARGV[i + 1])}",
            "    end",
            "  end",
            "  return out",
            "end");

    /**
     * The ARGV groups (five per view: kind, pointer or row key, row key before the version, canary key, listener) with
     * which {@link #READ_ROWS_FUNCTION} reads one entity's rows of {@code views}.
     */
    public static List<String> rowReadArgs(String orgId, String entityId, List<FeatureView> views) {
        List<String> args = new ArrayList<>(views.size() * 5);
        for (FeatureView view : views) {
            requireRows(view);
            if (view.versioned()) {
                RedisKeys.VersionedParts parts = RedisKeys.versionedParts(orgId, view);
                boolean listener = view.entity() == Entity.USER;
                args.add("v");
                args.add(RedisKeys.activeVersion(orgId, view));
                args.add(parts.beforeId() + RedisKeys.entitySegment(orgId, view, entityId) + parts.afterId());
                args.add(listener ? RedisKeys.canary(orgId, view) : "");
                args.add(listener ? entityId : "");
            } else {
                args.add("l");
                args.add(RedisKeys.row(orgId, view, entityId));
                args.add("");
                args.add("");
                args.add("");
            }
        }
        return args;
    }

    /** The rows {@link #READ_ROWS_FUNCTION} returned for {@code views} (in their order); absent rows are left out. */
    public static Map<FeatureView, FeatureRow> decodeRowReads(String entityId, List<FeatureView> views, List<?> reads) {
        Map<FeatureView, FeatureRow> rows = new LinkedHashMap<>();
        for (int i = 0; i < views.size() && i < reads.size(); i++) {
            List<?> read = (List<?>) reads.get(i);
            Map<String, String> hash = read.size() < 2 ? Map.of() : pairs((List<?>) read.get(1));
            if (!hash.isEmpty()) {
                rows.put(views.get(i), RowCodec.decode(views.get(i), entityId, hash));
            }
        }
        return rows;
    }

    private final JedisPooled jedis;
    private final String where;
    private final boolean ownsClient;

    /**
     * A store over a client the caller owns (and closes). {@code where} names the server in error messages, e.g.
     * {@code redis://127.0.0.1:16379}.
     */
    public RedisOnlineStore(JedisPooled jedis, String where) {
        this(jedis, where, false);
    }

    private RedisOnlineStore(JedisPooled jedis, String where, boolean ownsClient) {
        this.jedis = jedis;
        this.where = where;
        this.ownsClient = ownsClient;
    }

    /** Connects to the configured Redis and checks that it answers; {@link #close()} closes the pool. */
    public static RedisOnlineStore connect(PlatformConfig config) {
        HostAndPort address = new HostAndPort(config.get(PlatformConfig.REDIS_HOST), config.getInt(PlatformConfig.REDIS_PORT));
        JedisPooled jedis = new JedisPooled(address, DefaultJedisClientConfig.builder().timeoutMillis(5_000).build());
        try {
            jedis.ping();
        } catch (JedisException e) {
            jedis.close();
            throw StoreException.unavailable("Redis", address.toString(), e);
        }
        return new RedisOnlineStore(jedis, address.toString(), true);
    }

    @Override
    public int writeBatch(String orgId, FeatureView view, String version, List<FeatureRow> rows) {
        Ids.require("org id", orgId);
        requireRows(view);
        if (view.versioned()) {
            RedisKeys.requireVersion(version);
        } else if (version != null) {
            throw StoreException.invalid("feature view " + view.name() + " is not versioned but version " + version + " was given",
                    "Pass null as the version");
        }
        // Encode everything before writing anything: a bad row fails the batch without a partial write.
        Map<String, Map<String, String>> encoded = new LinkedHashMap<>();
        for (FeatureRow row : rows) {
            String key = view.versioned()
                    ? RedisKeys.versionedRow(orgId, view, row.entityId(), version)
                    : RedisKeys.row(orgId, view, row.entityId());
            encoded.put(key, RowCodec.encode(view, version, row));
        }
        long ttlMillis = view.ttl().toMillis();
        List<Map.Entry<String, Map<String, String>>> entries = new ArrayList<>(encoded.entrySet());
        try {
            for (int from = 0; from < entries.size(); from += WRITE_CHUNK) {
                try (AbstractTransaction tx = jedis.multi()) {
                    for (Map.Entry<String, Map<String, String>> e : entries.subList(from, Math.min(from + WRITE_CHUNK, entries.size()))) {
                        tx.hset(e.getKey(), e.getValue());
                        tx.pexpire(e.getKey(), ttlMillis);
                    }
                    tx.exec();
                }
            }
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", where, e);
        }
        return rows.size();
    }

    @Override
    public Map<String, FeatureRow> read(String orgId, FeatureView view, List<String> entityIds) {
        Ids.require("org id", orgId);
        requireRows(view);
        if (entityIds.isEmpty()) {
            return Map.of();
        }
        try {
            return view.versioned() ? readVersioned(orgId, view, entityIds) : readLatest(orgId, view, entityIds);
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", where, e);
        }
    }

    private Map<String, FeatureRow> readLatest(String orgId, FeatureView view, List<String> entityIds) {
        List<Response<Map<String, String>>> responses = new ArrayList<>(entityIds.size());
        List<String> keys = entityIds.stream().map(id -> RedisKeys.row(orgId, view, id)).toList();
        try (Pipeline p = jedis.pipelined()) {
            keys.forEach(k -> responses.add(p.hgetAll(k)));
            p.sync();
        }
        Map<String, FeatureRow> rows = new LinkedHashMap<>();
        for (int i = 0; i < entityIds.size(); i++) {
            Map<String, String> hash = responses.get(i).get();
            if (!hash.isEmpty()) {
                rows.put(entityIds.get(i), RowCodec.decode(view, entityIds.get(i), hash));
            }
        }
        return rows;
    }

    private Map<String, FeatureRow> readVersioned(String orgId, FeatureView view, List<String> entityIds) {
        RedisKeys.VersionedParts parts = RedisKeys.versionedParts(orgId, view);
        List<String> args = new ArrayList<>(entityIds.size() + 2);
        args.add(parts.beforeId());
        args.add(parts.afterId());
        for (String id : entityIds) {
            args.add(RedisKeys.entitySegment(orgId, view, id));
        }
        List<String> keys = versionKeys(orgId, view);
        Object result;
        try {
            result = jedis.evalsha(READ_VERSIONED_SHA, keys, args);
        } catch (JedisNoScriptException e) {
            // First use on this server (or after SCRIPT FLUSH): EVAL sends the script once and caches it there.
            result = jedis.eval(READ_VERSIONED, keys, args);
        }
        List<?> out = (List<?>) result;
        Map<String, FeatureRow> rows = new LinkedHashMap<>();
        for (int i = 1; i < out.size(); i++) {
            Map<String, String> hash = pairs((List<?>) out.get(i));
            if (!hash.isEmpty()) {
                rows.put(entityIds.get(i - 1), RowCodec.decode(view, entityIds.get(i - 1), hash));
            }
        }
        return rows;
    }

    /** The read script's keys: the view's pointer, and its canary key when its entity is a listener (whom a canary splits). */
    private static List<String> versionKeys(String orgId, FeatureView view) {
        return view.entity() == Entity.USER ? List.of(RedisKeys.activeVersion(orgId, view), RedisKeys.canary(orgId, view))
                : List.of(RedisKeys.activeVersion(orgId, view));
    }

    @Override
    public Optional<FeatureRow> readVersion(String orgId, FeatureView view, String entityId, String version) {
        Ids.require("org id", orgId);
        String key = RedisKeys.versionedRow(orgId, view, entityId, version);
        Map<String, String> hash;
        try {
            hash = jedis.hgetAll(key);
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", where, e);
        }
        return hash.isEmpty() ? Optional.empty() : Optional.of(RowCodec.decode(view, entityId, hash));
    }

    @Override
    public Map<FeatureView, FeatureRow> readViews(String orgId, String entityId, List<FeatureView> views) {
        Ids.require("org id", orgId);
        List<Response<?>> responses = new ArrayList<>(views.size());
        try (Pipeline p = jedis.pipelined()) {
            for (FeatureView view : views) {
                requireRows(view);
                if (view.versioned()) {
                    RedisKeys.VersionedParts parts = RedisKeys.versionedParts(orgId, view);
                    // EVAL, not EVALSHA: a pipeline cannot retry one command on NOSCRIPT, and Redis caches the script
                    // by its hash either way.
                    responses.add(p.eval(READ_VERSIONED, versionKeys(orgId, view),
                            List.of(parts.beforeId(), parts.afterId(), RedisKeys.entitySegment(orgId, view, entityId))));
                } else {
                    responses.add(p.hgetAll(RedisKeys.row(orgId, view, entityId)));
                }
            }
            p.sync();
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", where, e);
        }
        Map<FeatureView, FeatureRow> rows = new LinkedHashMap<>();
        for (int i = 0; i < views.size(); i++) {
            FeatureView view = views.get(i);
            Map<String, String> hash;
            if (view.versioned()) {
                List<?> out = (List<?>) responses.get(i).get();
                hash = out.size() < 2 ? Map.of() : pairs((List<?>) out.get(1));
            } else {
                @SuppressWarnings("unchecked")
                Map<String, String> latest = (Map<String, String>) responses.get(i).get();
                hash = latest;
            }
            if (!hash.isEmpty()) {
                rows.put(view, RowCodec.decode(view, entityId, hash));
            }
        }
        return rows;
    }

    @Override
    public Optional<String> activateVersion(String orgId, FeatureView view, String version) {
        String key = RedisKeys.activeVersion(orgId, view);
        try {
            // One SET ... GET: readers see the old version or the new one, and the caller learns which it replaced.
            return Optional.ofNullable(jedis.setGet(key, RedisKeys.requireVersion(version)));
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", where, e);
        }
    }

    @Override
    public boolean hasVersionRows(String orgId, FeatureView view, String version) {
        boolean[] found = {false};
        // Stops at the first match: cheap when rows exist, one pass over the keyspace when none do.
        scanVersionRows(orgId, view, version, keys -> {
            found[0] = true;
            return false;
        });
        return found[0];
    }

    @Override
    public long deleteVersion(String orgId, FeatureView view, String version) {
        if (activeVersion(orgId, view).filter(version::equals).isPresent()) {
            throw new IllegalArgumentException("version " + version + " of " + view.name() + " is the one org " + orgId
                    + " serves; activate another before deleting it");
        }
        long[] deleted = {0};
        scanVersionRows(orgId, view, version, keys -> {
            deleted[0] += jedis.unlink(keys.toArray(String[]::new));
            return true;
        });
        return deleted[0];
    }

    @Override
    public long keepVersionRows(String orgId, FeatureView view, String version, java.time.Duration ttl) {
        if (!view.versioned()) {
            throw new IllegalArgumentException("feature view " + view.name() + " is not versioned");
        }
        long[] found = {0};
        scanVersionRows(orgId, view, RedisKeys.requireVersion(version), keys -> {
            try (AbstractTransaction tx = jedis.multi()) {
                for (String key : keys) {
                    // GT: a row whose expiry is later already (written again since) keeps it.
                    tx.pexpire(key, ttl.toMillis(), redis.clients.jedis.args.ExpiryOption.GT);
                }
                tx.exec();
            }
            found[0] += keys.size();
            return true;
        });
        return found[0];
    }

    /**
     * Hands each non-empty SCAN page of the row keys of {@code version} to {@code page} until it answers false. SCAN, not
     * KEYS: an org may hold millions of keys and Redis serves others meanwhile.
     */
    private void scanVersionRows(String orgId, FeatureView view, String version, java.util.function.Predicate<List<String>> page) {
        redis.clients.jedis.params.ScanParams params = new redis.clients.jedis.params.ScanParams()
                .match(RedisKeys.versionPattern(orgId, view, version)).count(1_000);
        String cursor = redis.clients.jedis.params.ScanParams.SCAN_POINTER_START;
        try {
            do {
                redis.clients.jedis.resps.ScanResult<String> result = jedis.scan(cursor, params);
                if (!result.getResult().isEmpty() && !page.test(result.getResult())) {
                    return;
                }
                cursor = result.getCursor();
            } while (!cursor.equals(redis.clients.jedis.params.ScanParams.SCAN_POINTER_START));
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", where, e);
        }
    }

    @Override
    public Optional<String> activeVersion(String orgId, FeatureView view) {
        String key = RedisKeys.activeVersion(orgId, view);
        try {
            return Optional.ofNullable(jedis.get(key));
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", where, e);
        }
    }

    @Override
    public void setCanary(String orgId, FeatureView view, CanarySplit split) {
        if (view.entity() != Entity.USER) {
            throw new IllegalArgumentException("a canary splits listeners; " + view.name() + " is keyed by " + view.entity());
        }
        String key = RedisKeys.canary(orgId, view);
        try {
            if (split == null) {
                jedis.del(key);
            } else {
                jedis.set(key, split.encode());
            }
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", where, e);
        }
    }

    @Override
    public Map<String, Long> feedback(String orgId, String version) {
        try {
            Map<String, Long> counts = new LinkedHashMap<>();
            jedis.hgetAll(RedisKeys.feedback(orgId, version)).forEach((type, n) -> counts.put(type, Long.parseLong(n)));
            return counts;
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", where, e);
        }
    }

    @Override
    public UsageCount addUsage(String orgId, String resource, long units, Instant at) {
        if (units < 1) {
            throw StoreException.invalid("usage of " + units + " units", "Count at least one unit");
        }
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        YearMonth month = YearMonth.from(day);
        String dayKey = RedisKeys.usageDay(orgId, resource, day);
        String monthKey = RedisKeys.usageMonth(orgId, resource, month);
        // No TTL: quota counters are protected from eviction (KeyFamily.USAGE); RedisRetention removes past periods.
        try (AbstractTransaction tx = jedis.multi()) {
            Response<Long> d = tx.incrBy(dayKey, units);
            Response<Long> m = tx.incrBy(monthKey, units);
            tx.exec();
            return new UsageCount(resource, d.get(), m.get());
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", where, e);
        }
    }

    @Override
    public Map<String, UsageCount> usage(String orgId, Collection<String> resources, Instant at) {
        return dayAndMonth(resources, at, (resource, day) -> RedisKeys.usageDay(orgId, resource, day),
                (resource, month) -> RedisKeys.usageMonth(orgId, resource, month));
    }

    /** Reads the day and month counter of each resource in one MGET; an absent key is 0. */
    private Map<String, UsageCount> dayAndMonth(Collection<String> resources, Instant at,
            java.util.function.BiFunction<String, LocalDate, String> dayKey,
            java.util.function.BiFunction<String, YearMonth, String> monthKey) {
        if (resources.isEmpty()) {
            return Map.of();
        }
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        List<String> ordered = List.copyOf(resources);
        String[] keys = new String[ordered.size() * 2];
        for (int i = 0; i < ordered.size(); i++) {
            keys[2 * i] = dayKey.apply(ordered.get(i), day);
            keys[2 * i + 1] = monthKey.apply(ordered.get(i), YearMonth.from(day));
        }
        List<String> values;
        try {
            values = jedis.mget(keys);
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", where, e);
        }
        Map<String, UsageCount> counts = new LinkedHashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            counts.put(ordered.get(i), new UsageCount(ordered.get(i), parse(values.get(2 * i)), parse(values.get(2 * i + 1))));
        }
        return counts;
    }

    /** How long a ledger total stays readable after its period ended: through the next month's billing run. */
    public static final java.time.Duration LEDGER_RETENTION = java.time.Duration.ofDays(35);

    /**
     * Writes usage-ledger totals as absolute values ({@code SET key units}, kept until {@link RedisRetention} removes them
     * {@link #LEDGER_RETENTION} after their period), in one pipeline. Idempotent: writing the same totals again leaves the same state, which is what lets the
     * streaming job replay after a restore. Totals whose retention has already passed are skipped. Returns how many were
     * written.
     */
    public int writeLedger(List<LedgerEntry> entries) {
        long now = System.currentTimeMillis();
        int written = 0;
        try (Pipeline p = jedis.pipelined()) {
            for (LedgerEntry e : entries) {
                LocalDate end = e.month() ? e.periodStart().plusMonths(1) : e.periodStart().plusDays(1);
                long expireAt = end.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() + LEDGER_RETENTION.toMillis();
                if (expireAt <= now) {
                    continue;
                }
                String key = e.month()
                        ? RedisKeys.ledgerMonth(e.orgId(), e.resource(), YearMonth.from(e.periodStart()))
                        : RedisKeys.ledgerDay(e.orgId(), e.resource(), e.periodStart());
                // No TTL: billing totals are protected from eviction (KeyFamily.LEDGER); RedisRetention removes them.
                p.set(key, Long.toString(e.units()));
                written++;
            }
            p.sync();
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", where, e);
        }
        return written;
    }

    /** The ledger's day and month-to-date totals of each resource for the UTC day of {@code at}, in one MGET; absent is 0. */
    public Map<String, UsageCount> ledger(String orgId, Collection<String> resources, Instant at) {
        return dayAndMonth(resources, at, (resource, day) -> RedisKeys.ledgerDay(orgId, resource, day),
                (resource, month) -> RedisKeys.ledgerMonth(orgId, resource, month));
    }

    @Override
    public void close() {
        if (ownsClient) {
            jedis.close();
        }
    }

    private static void requireRows(FeatureView view) {
        if (!view.online()) {
            throw StoreException.invalid("feature view " + view.name() + " is offline only", "Read it from the offline store");
        }
        if (view.layout() == FeatureView.Layout.COUNTER) {
            throw StoreException.invalid("feature view " + view.name() + " holds counters, not rows", "Use addUsage and usage");
        }
    }

    private static Map<String, String> pairs(List<?> flat) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
        }
        return map;
    }

    private static long parse(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
