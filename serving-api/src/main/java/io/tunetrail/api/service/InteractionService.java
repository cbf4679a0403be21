package io.tunetrail.api.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.http.Json;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.model.Decoded;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.online.OnlineStore;
import io.tunetrail.store.online.RedisKeys;
import io.tunetrail.store.online.UsageCount;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Listening events sent by customers' apps: validated against {@code schemas/interaction.schema.json} (the org comes
 * from the key), deduplicated by client event id within {@link #IDEMPOTENCY_WINDOW}, and published to the
 * {@code interactions} topic. A batch is all or nothing: one invalid event refuses the batch with the event's field
 * named ({@code events[3].track_id}), and nothing of it is published.
 */
public final class InteractionService {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InteractionService.class);
    public static final int MAX_BATCH = 1000;
    static final Duration IDEMPOTENCY_WINDOW = Duration.ofDays(7);
    /**
     * How long an event's mark lives before Kafka acknowledged the event: if this process dies or Redis fails between
     * marking and publishing, the client's retry is accepted again after this rather than called a duplicate of an
     * event that was never published. Above the longest a publish may take (max.block.ms plus the 15 s wait).
     */
    static final Duration PENDING_MARK = Duration.ofMinutes(1);
    static final String ACCEPTED = "interactions";
    static final String DUPLICATES = "interactions_duplicate";
    // The validator names the location as a JSON pointer ("/context/device: ...") or, for missing and unexpected
    // properties, the parent plus the property's name in quotes.
    private static final Pattern SCHEMA_FIELD = Pattern.compile("^/([A-Za-z0-9_/]+):");
    private static final Pattern NAMED_PROPERTY = Pattern.compile("^(/[A-Za-z0-9_/]*)?: (?:required )?property '([A-Za-z0-9_]+)'");

    public record Result(String clientEventId, String status) {}

    public record Accepted(int accepted, int duplicates, List<Result> results) {}

    public record Stats(long acceptedToday, long acceptedThisMonth, long duplicatesToday, long duplicatesThisMonth) {}

    private final JedisPooled jedis;
    private final OnlineStore online;
    private final EventPublisher events;
    private final Clock clock;
    private final EventCodec<InteractionEvent> codec = EventCodec.interactions();

    public InteractionService(JedisPooled jedis, OnlineStore online, EventPublisher events, Clock clock) {
        this.jedis = jedis;
        this.online = online;
        this.events = events;
        this.clock = clock;
    }

    /** One event (a JSON object), or a batch ({@code {"events": [...]}} or a JSON array). */
    public Accepted accept(Principal p, byte[] body) {
        JsonNode tree = Json.tree(body);
        List<JsonNode> items = new ArrayList<>();
        String prefix;
        if (tree.isArray()) {
            tree.forEach(items::add);
            prefix = "";
        } else if (tree.isObject() && tree.has("events")) {
            if (tree.size() != 1) {
                tree.fieldNames().forEachRemaining(f -> {
                    if (!f.equals("events")) {
                        throw ApiErrors.unknownField(f);
                    }
                });
            }
            if (!tree.get("events").isArray()) {
                throw Check.invalid("events", "'events' must be an array of interaction events");
            }
            tree.get("events").forEach(items::add);
            prefix = "events";
        } else if (tree.isObject()) {
            items.add(tree);
            prefix = null;
        } else {
            throw ApiErrors.malformedJson("expected an event object, an array of events or {\"events\": [...]}");
        }
        if (items.isEmpty() || items.size() > MAX_BATCH) {
            throw Check.invalid(prefix == null || prefix.isEmpty() ? "(body)" : prefix, "a batch holds 1.." + MAX_BATCH + " events, not " + items.size());
        }
        List<InteractionEvent> decoded = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String at = prefix == null ? "" : prefix + "[" + i + "]";
            decoded.add(decode(p, items.get(i), at));
        }
        return publishOnce(p, decoded);
    }

    /** Publishes one event the API built itself (recommendation feedback), deduplicated the same way. */
    public Accepted acceptOne(Principal p, InteractionEvent event) {
        return publishOnce(p, List.of(event));
    }

    private InteractionEvent decode(Principal p, JsonNode item, String at) {
        if (!item.isObject()) {
            throw Check.invalid(at.isEmpty() ? "(body)" : at, "each event must be a JSON object");
        }
        ObjectNode event = ((ObjectNode) item).deepCopy();
        JsonNode org = event.get("org_id");
        if (org != null && !p.orgId().equals(org.asText())) {
            throw Check.invalid(join(at, "org_id"), "'org_id' must be omitted or be your own org: events are always filed under the key's org");
        }
        event.put("org_id", p.orgId());
        Decoded<InteractionEvent> d = codec.decode(event);
        if (!d.isAccepted()) {
            throw Check.invalid(join(at, field(d.reason())), "invalid interaction event: " + d.reason());
        }
        return d.value();
    }

    private Accepted publishOnce(Principal p, List<InteractionEvent> decoded) {
        List<Response<String>> marks = new ArrayList<>(decoded.size());
        try {
            try (Pipeline pipe = jedis.pipelined()) {
                // Marked as seen for the whole window only once Kafka has the events (below).
                SetParams params = SetParams.setParams().nx().px(PENDING_MARK.toMillis());
                for (InteractionEvent e : decoded) {
                    marks.add(pipe.set(RedisKeys.interactionSeen(p.orgId(), e.clientEventId()), "1", params));
                }
                pipe.sync();
            }
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", "the idempotency keys", e);
        }
        List<InteractionEvent> fresh = new ArrayList<>();
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < decoded.size(); i++) {
            boolean isNew = "OK".equals(marks.get(i).get());
            if (isNew) {
                fresh.add(decoded.get(i));
            }
            results.add(new Result(decoded.get(i).clientEventId(), isNew ? "accepted" : "duplicate"));
        }
        try {
            if (!fresh.isEmpty()) {
                events.publishInteractions(fresh);
            }
        } catch (RuntimeException e) {
            // Not published: forget the marks, so the client's retry is accepted rather than called a duplicate (and
            // should Redis refuse that too, the marks lapse after PENDING_MARK).
            try {
                jedis.del(fresh.stream().map(ev -> RedisKeys.interactionSeen(p.orgId(), ev.clientEventId())).toArray(String[]::new));
            } catch (JedisException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        if (!fresh.isEmpty()) {
            try (Pipeline pipe = jedis.pipelined()) {
                for (InteractionEvent e : fresh) {
                    pipe.pexpire(RedisKeys.interactionSeen(p.orgId(), e.clientEventId()), IDEMPOTENCY_WINDOW.toMillis());
                }
                pipe.sync();
            } catch (JedisException e) {
                // Published already: answer accepted. The marks then lapse after PENDING_MARK, so a late retry may
                // publish an event twice; never the other way round (an event called a duplicate and lost).
                LOG.warn("interactions of org {} published but not marked for the idempotency window: {}", p.orgId(), e.getMessage());
            }
        }
        int duplicates = decoded.size() - fresh.size();
        if (!fresh.isEmpty()) {
            online.addUsage(p.orgId(), ACCEPTED, fresh.size(), clock.instant());
        }
        if (duplicates > 0) {
            online.addUsage(p.orgId(), DUPLICATES, duplicates, clock.instant());
        }
        return new Accepted(fresh.size(), duplicates, results);
    }

    public Stats stats(Principal p) {
        Map<String, UsageCount> counts = online.usage(p.orgId(), List.of(ACCEPTED, DUPLICATES), clock.instant());
        UsageCount a = counts.get(ACCEPTED);
        UsageCount d = counts.get(DUPLICATES);
        return new Stats(a.day(), a.month(), d.day(), d.month());
    }

    /** The field a schema message names ({@code $.track_id: ...}, {@code $: required property 'user_id' not found}). */
    static String field(String reason) {
        Matcher named = NAMED_PROPERTY.matcher(reason);
        if (named.find()) {
            String parent = named.group(1) == null ? "" : named.group(1).substring(1).replace('/', '.');
            return parent.isEmpty() ? named.group(2) : parent + "." + named.group(2);
        }
        Matcher m = SCHEMA_FIELD.matcher(reason);
        return m.find() ? m.group(1).replace('/', '.') : "(event)";
    }

    private static String join(String at, String field) {
        return at.isEmpty() ? field : at + "." + field;
    }
}
