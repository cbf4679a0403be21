package io.tunetrail.streaming.common;

import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.UsageEvent;

/**
 * Units of one metered resource used by an org (through one API key, or none), at an event time: what the
 * usage-counters job counts. {@code apiKeyId} is "" when there is no key (interactions are counted per org).
 */
public record Metered(String orgId, String apiKeyId, String resource, long units, long eventTimeMs) {

    /** The resource under which listening events are counted (units = the event's {@code count}). */
    public static final String INTERACTIONS = "interactions";

    public static Metered of(UsageEvent e) {
        return new Metered(e.orgId(), e.apiKeyId(), e.resource(), e.units(), e.eventTime().toEpochMilli());
    }

    public static Metered of(InteractionEvent e) {
        return new Metered(e.orgId(), "", INTERACTIONS, e.count(), e.eventTime().toEpochMilli());
    }

    /** org|apiKey|resource: none of the three ever contains '|'. */
    public String groupKey() {
        return orgId + "|" + apiKeyId + "|" + resource;
    }
}
