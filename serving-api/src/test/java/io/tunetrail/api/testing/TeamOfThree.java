package io.tunetrail.api.testing;

import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.store.TeamStore;
import java.util.List;

/**
 * A pro org with a team of one owner, one admin and one member, each with a key of their own bound to them, plus an
 * org key bound to nobody: what the role and team ITs start from.
 */
public record TeamOfThree(String org, String team, TeamStore.Member owner, TeamStore.Member admin, TeamStore.Member member,
        String ownerKey, String adminKey, String memberKey, String orgKey) {
    private static final List<String> ALL = List.of("read", "write", "admin");

    /** The owner's and admin's keys have every scope; the member's has {@code memberScopes}. */
    public static TeamOfThree create(ApiTestStack stack, String name, List<String> memberScopes) {
        String org = stack.org(name, "pro");
        TeamStore teams = new TeamStore(stack.sql());
        String team = teams.createTeam(org, "team-" + name, "Team " + name).teamId();
        // Ids of their own per org, so a test that names another org's member cannot hit one of this org by chance.
        TeamStore.Member owner = teams.addMember(org, team, "owner-" + name, "owner@" + name + ".example", "owner");
        TeamStore.Member admin = teams.addMember(org, team, "admin-" + name, "admin@" + name + ".example", "admin");
        TeamStore.Member member = teams.addMember(org, team, "member-" + name, "member@" + name + ".example", "member");
        ApiKeyStore keys = new ApiKeyStore(stack.sql());
        return new TeamOfThree(org, team, owner, admin, member,
                keys.create(org, null, owner.memberId(), "owner key", ALL, null).secret(),
                keys.create(org, null, admin.memberId(), "admin key", ALL, null).secret(),
                keys.create(org, null, member.memberId(), "member key", memberScopes, null).secret(),
                stack.key(org, "read", "write", "admin"));
    }
}
