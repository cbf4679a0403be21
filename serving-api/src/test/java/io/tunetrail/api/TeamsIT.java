package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.assertProblem;
import static io.tunetrail.api.testing.Http.call;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.TeamOfThree;
import io.tunetrail.api.testing.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Team and member administration: rename, remove, role changes and ownership transfer, with the owner rules and tenancy. */
class TeamsIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    /** An org with a team of one owner, one admin and one member, each with a key of their own. */
    private static TeamOfThree people(String name) {
        return TeamOfThree.create(stack, name, List.of("read", "write"));
    }

    private static String role(String org, String memberId) {
        return stack.sql().one("role", "SELECT role FROM members WHERE org_id = ? AND member_id = ?", ps -> {
            ps.setString(1, org);
            ps.setString(2, memberId);
        }, rs -> rs.getString(1)).orElseThrow();
    }

    private static long owners(String org) {
        return stack.sql().one("owners", "SELECT count(*) FROM members WHERE org_id = ? AND role = 'owner' AND removed_at IS NULL",
                ps -> ps.setString(1, org), rs -> rs.getLong(1)).orElseThrow();
    }

    private static long auditEntries(String org, String action) {
        return stack.sql().one("audit", "SELECT count(*) FROM audit_log WHERE org_id = ? AND action = ?", ps -> {
            ps.setString(1, org);
            ps.setString(2, action);
        }, rs -> rs.getLong(1)).orElseThrow();
    }

    @Test
    void aTeamIsRenamedOnceItsNewNameIsFreeAndOnlyInItsOwnOrg() {
        TeamOfThree p = people("rename");
        TeamOfThree other = people("rename-other");
        String second = new TeamStore(stack.sql()).createTeam(p.org(), "team-second", "Second").teamId();
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer renamed = call(client, "PUT", "/api/v1/teams/" + p.team(), p.adminKey(), "{\"name\":\"  Growth  \"}");
            assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
            assertThat(renamed.json().get("name").asText()).isEqualTo("Growth");
            assertThat(get(client, "/api/v1/teams/" + p.team(), p.adminKey()).json().get("name").asText()).isEqualTo("Growth");

            assertProblem(call(client, "PUT", "/api/v1/teams/" + second, p.adminKey(), "{\"name\":\"growth\"}"), 409, "team_exists", null);
            assertProblem(call(client, "PUT", "/api/v1/teams/" + p.team(), p.adminKey(), "{\"name\":\" \"}"), 400, "missing_field", "name");
            assertProblem(call(client, "PUT", "/api/v1/teams/" + p.team(), p.adminKey(), "{\"name\":\"x\",\"title\":\"x\"}"), 400, "unknown_field", "title");
            // Another org's team is not found, and nothing of it changes.
            assertProblem(call(client, "PUT", "/api/v1/teams/" + other.team(), p.adminKey(), "{\"name\":\"Stolen\"}"), 404, "not_found", null);
            assertThat(new TeamStore(stack.sql()).team(other.org(), other.team()).orElseThrow().name()).isEqualTo("Team rename-other");
            assertThat(call(client, "PUT", "/api/v1/teams/" + p.team(), p.memberKey(), "{\"name\":\"Mine\"}").status()).isEqualTo(403);
        });
        assertThat(auditEntries(p.org(), "team.renamed")).isEqualTo(1);
        assertThat(auditEntries(other.org(), "team.renamed")).isZero();
    }

    @Test
    void removingSomeoneFromATeamKeepsTheirSeatAndKeys() {
        TeamOfThree p = people("unteam");
        TeamOfThree other = people("unteam-other");
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer removed = call(client, "DELETE", "/api/v1/teams/" + p.team() + "/members/" + p.member().memberId(), p.adminKey(), null);
            assertThat(removed.status()).as(removed.text()).isEqualTo(204);
            assertThat(get(client, "/api/v1/teams/" + p.team() + "/members", p.adminKey()).json().get("members").findValuesAsText("member_id"))
                    .containsExactlyInAnyOrder(p.owner().memberId(), p.admin().memberId());
            assertThat(get(client, "/api/v1/usage", p.memberKey()).status()).as("their key still works").isEqualTo(200);
            assertProblem(call(client, "DELETE", "/api/v1/teams/" + p.team() + "/members/" + p.member().memberId(), p.adminKey(), null),
                    404, "not_found", null);
            // An admin cannot take an owner out of a team, nor reach another org's team or member.
            assertProblem(call(client, "DELETE", "/api/v1/teams/" + p.team() + "/members/" + p.owner().memberId(), p.adminKey(), null),
                    403, "insufficient_role", null);
            assertProblem(call(client, "DELETE", "/api/v1/teams/" + other.team() + "/members/" + other.member().memberId(), p.ownerKey(), null),
                    404, "not_found", null);
            assertProblem(call(client, "DELETE", "/api/v1/teams/" + p.team() + "/members/" + other.admin().memberId(), p.ownerKey(), null),
                    404, "not_found", null);
        });
        assertThat(new TeamStore(stack.sql()).members(other.org(), other.team())).hasSize(3);
        assertThat(new TeamStore(stack.sql()).memberCount(p.org())).isEqualTo(3);
    }

    @Test
    void removingSomeoneFromTheOrgRevokesTheirKeysFreesTheSeatAndSparesTheLastOwner() {
        TeamOfThree p = people("leave");
        TeamOfThree other = people("leave-other");
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer removed = call(client, "DELETE", "/api/v1/members/" + p.member().memberId(), p.adminKey(), null);
            assertThat(removed.status()).as(removed.text()).isEqualTo(200);
            assertThat(removed.json().get("keys_revoked").asInt()).isEqualTo(1);
            assertProblem(get(client, "/api/v1/usage", p.memberKey()), 401, "invalid_api_key", null);
            assertThat(new TeamStore(stack.sql()).memberCount(p.org())).isEqualTo(2);
            assertThat(get(client, "/api/v1/teams/" + p.team() + "/members", p.adminKey()).json().get("members").findValuesAsText("member_id"))
                    .doesNotContain(p.member().memberId());
            assertProblem(call(client, "DELETE", "/api/v1/members/" + p.member().memberId(), p.adminKey(), null), 404, "not_found", null);
            assertProblem(call(client, "PUT", "/api/v1/members/" + p.member().memberId() + "/role", p.ownerKey(), "{\"role\":\"admin\"}"),
                    404, "not_found", null);

            // Added again: a seat of their own once more, with the role asked for now.
            Http.Answer back = post(client, "/api/v1/teams/" + p.team() + "/members", p.adminKey(),
                    "{\"email\":\"" + p.member().email() + "\",\"role\":\"admin\"}");
            assertThat(back.status()).as(back.text()).isEqualTo(201);
            assertThat(back.json().get("role").asText()).isEqualTo("admin");
            assertThat(new TeamStore(stack.sql()).memberCount(p.org())).isEqualTo(3);

            assertProblem(call(client, "DELETE", "/api/v1/members/" + p.owner().memberId(), p.adminKey(), null), 403, "insufficient_role", null);
            Http.Answer lastOwnerLeaves = call(client, "DELETE", "/api/v1/members/" + p.owner().memberId(), p.ownerKey(), null);
            assertProblem(lastOwnerLeaves, 409, "last_owner", null);
            assertThat(get(client, "/api/v1/org/plan", p.ownerKey()).status()).as("the refused removal revoked nothing").isEqualTo(200);
            assertProblem(call(client, "DELETE", "/api/v1/members/" + other.member().memberId(), p.ownerKey(), null), 404, "not_found", null);
        });
        assertThat(removed(other.org(), other.member().memberId())).as("another org's member is untouched").isFalse();
        assertThat(removed(p.org(), p.member().memberId())).as("added back").isFalse();
        assertThat(auditEntries(p.org(), "member.removed")).isEqualTo(1);
    }

    private static boolean removed(String org, String memberId) {
        return stack.sql().one("removed", "SELECT removed_at IS NOT NULL FROM members WHERE org_id = ? AND member_id = ?", ps -> {
            ps.setString(1, org);
            ps.setString(2, memberId);
        }, rs -> rs.getBoolean(1)).orElseThrow();
    }

    @Test
    void theLastOwnerCannotBeDemotedButTwoOwnersCanHandOver() {
        TeamOfThree p = people("demote");
        JavalinTest.test(stack.app(), (server, client) -> {
            assertProblem(call(client, "PUT", "/api/v1/members/" + p.owner().memberId() + "/role", p.ownerKey(), "{\"role\":\"admin\"}"),
                    409, "last_owner", null);
            assertProblem(call(client, "PUT", "/api/v1/members/" + p.owner().memberId() + "/role", p.orgKey(), "{\"role\":\"member\"}"),
                    409, "last_owner", null);
            assertThat(role(p.org(), p.owner().memberId())).isEqualTo("owner");
            assertThat(call(client, "PUT", "/api/v1/members/" + p.admin().memberId() + "/role", p.ownerKey(), "{\"role\":\"owner\"}").status())
                    .isEqualTo(200);
            assertThat(call(client, "PUT", "/api/v1/members/" + p.owner().memberId() + "/role", p.ownerKey(), "{\"role\":\"admin\"}").status())
                    .isEqualTo(200);
            assertThat(owners(p.org())).isEqualTo(1);
        });
        assertThat(auditEntries(p.org(), "member.role_changed")).as("refused changes leave no entry").isEqualTo(2);
    }

    @Test
    void ownershipTransferMakesTheNewOwnerOwnerAndTheOldOneAdminAtOnce() {
        TeamOfThree p = people("transfer");
        TeamOfThree other = people("transfer-other");
        JavalinTest.test(stack.app(), (server, client) -> {
            assertProblem(post(client, "/api/v1/org/ownership", p.adminKey(), "{\"member_id\":\"" + p.member().memberId() + "\"}"),
                    403, "insufficient_role", null);
            assertProblem(post(client, "/api/v1/org/ownership", p.orgKey(), "{\"member_id\":\"" + p.member().memberId() + "\"}"),
                    403, "ownership_needs_member", null);
            assertProblem(post(client, "/api/v1/org/ownership", p.ownerKey(), "{}"), 400, "missing_field", "member_id");
            assertProblem(post(client, "/api/v1/org/ownership", p.ownerKey(), "{\"member_id\":\"" + p.owner().memberId() + "\"}"),
                    400, "invalid_field", "member_id");
            assertProblem(post(client, "/api/v1/org/ownership", p.ownerKey(), "{\"member_id\":\"" + other.admin().memberId() + "\"}"),
                    404, "not_found", null);
            assertThat(role(other.org(), other.member().memberId())).isEqualTo("member");

            Http.Answer handed = post(client, "/api/v1/org/ownership", p.ownerKey(), "{\"member_id\":\"" + p.member().memberId() + "\"}");
            assertThat(handed.status()).as(handed.text()).isEqualTo(200);
            assertThat(handed.json().get("role").asText()).isEqualTo("owner");
            assertThat(role(p.org(), p.member().memberId())).isEqualTo("owner");
            assertThat(role(p.org(), p.owner().memberId())).isEqualTo("admin");
            assertThat(owners(p.org())).isEqualTo(1);
            assertThat(role(other.org(), other.member().memberId())).as("nothing of another org moves").isEqualTo("member");
            // The former owner acts as an admin at once: they can no longer hand ownership over.
            assertProblem(post(client, "/api/v1/org/ownership", p.ownerKey(), "{\"member_id\":\"" + p.admin().memberId() + "\"}"),
                    403, "insufficient_role", null);
        });
        assertThat(auditEntries(p.org(), "org.ownership_transferred")).isEqualTo(1);
    }

    /**
     * Two owners demote each other at the same moment, many times over: the org-row lock makes the second see the
     * first, so exactly one demotion wins each round and the org always keeps an owner.
     */
    @Test
    void concurrentDemotionsOfTheLastTwoOwnersLeaveOneOwner() throws Exception {
        TeamStore teams = new TeamStore(stack.sql());
        String org = stack.org("race", "pro");
        String team = teams.createTeam(org, "team-race", "Race").teamId();
        teams.addMember(org, team, "m-a", "a@race.example", "owner");
        teams.addMember(org, team, "m-b", "b@race.example", "owner");
        teams.addMember(org, team, "m-c", "c@race.example", "admin");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 25; round++) {
                CyclicBarrier start = new CyclicBarrier(2);
                // Alternate the race: two demotions, then a demotion against a removal.
                boolean removal = round % 2 == 1;
                Future<TeamStore.Outcome> a = pool.submit(() -> {
                    start.await();
                    return teams.changeRole(org, "m-a", "admin", AuditLog.Actor.OPERATOR);
                });
                Future<TeamStore.Outcome> b = pool.submit(() -> {
                    start.await();
                    return removal ? teams.removeMember(org, "m-b", java.time.Instant.now(), AuditLog.Actor.OPERATOR)
                            : teams.changeRole(org, "m-b", "admin", AuditLog.Actor.OPERATOR);
                });
                List<TeamStore.Outcome> outcomes = List.of(a.get(), b.get());
                assertThat(outcomes).as("round %d", round).filteredOn(o -> o.refusal() == null).hasSize(1);
                assertThat(outcomes).as("round %d", round).filteredOn(o -> o.refusal() == TeamStore.Refusal.LAST_OWNER).hasSize(1);
                assertThat(owners(org)).as("round %d", round).isEqualTo(1);
                // Back to two owners for the next round.
                teams.addMember(org, team, "m-b", "b@race.example", "owner");
                List<String> current = new ArrayList<>();
                for (String id : List.of("m-a", "m-b")) {
                    if (!"owner".equals(role(org, id))) {
                        current.add(id);
                    }
                }
                for (String id : current) {
                    assertThat(teams.changeRole(org, id, "owner", AuditLog.Actor.OPERATOR).refusal()).isNull();
                }
                assertThat(owners(org)).isEqualTo(2);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
