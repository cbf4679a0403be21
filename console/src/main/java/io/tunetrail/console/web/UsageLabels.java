package io.tunetrail.console.web;

import io.tunetrail.api.auth.ApiKey;
import io.tunetrail.api.service.AccountService;
import java.util.HashMap;
import java.util.Map;

/**
 * What a usage group stands for, in words a person knows: a member's e-mail, a team's name, a key's name and prefix.
 * Routes and resources are their own names. The null group is the keys that belong to no member or no team.
 */
final class UsageLabels {
    private final AccountService accounts;
    private final OrgMembers members;

    UsageLabels(AccountService accounts, OrgMembers members) {
        this.accounts = accounts;
        this.members = members;
    }

    /** Group id to label for {@code groupBy}, read for the member's org only. */
    Map<String, String> of(Member m, String groupBy) {
        Map<String, String> names = new HashMap<>();
        switch (groupBy) {
            case "member" -> members.of(m.principal().orgId()).forEach(p -> names.put(p.memberId(), p.email()));
            case "team" -> accounts.teams(m.principal()).forEach(t -> names.put(t.teamId(), t.name()));
            case "key" -> {
                for (ApiKey k : accounts.keys(m.principal(), null)) {
                    names.put(k.keyId(), k.name() + " (" + k.prefix() + "…)");
                }
            }
            default -> { }
        }
        return names;
    }

    String label(Map<String, String> names, String groupBy, String group) {
        if (group == null) {
            return switch (groupBy) {
                case "member" -> "org keys (no member)";
                case "team" -> "keys of no team";
                default -> "(none)";
            };
        }
        // A removed member or a deleted team keeps its past usage under its id.
        return names.getOrDefault(group, group);
    }
}
