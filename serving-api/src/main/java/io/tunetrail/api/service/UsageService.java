package io.tunetrail.api.service;

import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.online.OnlineStore;
import io.tunetrail.store.online.UsageCount;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The org's own usage of each metered resource today and this month, with its limits and what remains. */
public final class UsageService {
    static final List<String> RESOURCES = List.of(Gate.API_CALLS, Gate.AUDIO_ANALYSIS, Gate.MODEL_TRAINING);

    /** Null limits and remainders mean unlimited. */
    public record ResourceUsage(String resource, long usedToday, Long limitPerDay, Long remainingToday, long usedThisMonth,
            Long limitPerMonth, Long remainingThisMonth) {}

    public record Usage(String orgId, String plan, boolean quotasEnforced, List<ResourceUsage> resources, Instant dayResetsAt,
            Instant monthResetsAt) {}

    private final OnlineStore online;
    private final Clock clock;

    public UsageService(OnlineStore online, Clock clock) {
        this.online = online;
        this.clock = clock;
    }

    public Usage usage(Principal p) {
        Instant now = clock.instant();
        Map<String, UsageCount> counts = online.usage(p.orgId(), RESOURCES, now);
        List<ResourceUsage> out = new ArrayList<>();
        for (String resource : RESOURCES) {
            UsageCount c = counts.get(resource);
            PlanCatalog.Limit limit = p.communityEdition() ? PlanCatalog.Limit.UNLIMITED : p.plan().limit(resource);
            out.add(new ResourceUsage(resource, c.day(), limit.perDay(), remaining(limit.perDay(), c.day()), c.month(),
                    limit.perMonth(), remaining(limit.perMonth(), c.month())));
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return new Usage(p.orgId(), p.plan().id(), !p.communityEdition(), out,
                today.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC),
                today.withDayOfMonth(1).plusMonths(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    }

    private static Long remaining(Long limit, long used) {
        return limit == null ? null : Math.max(0, limit - used);
    }
}
