package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.call;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.http.ApiRoute;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The authority a key carries can never exceed what stands behind it: an expired key renews nothing, scopes are capped
 * by the member's role (now, not when the key was made), admin scope needs an admin, re-adding a person changes no
 * role, and a team's key stays in its team. Each test is the attack, answered as it must be.
 */
class KeyAuthorityIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    private static final List<String> ALL = List.of("read", "write", "admin");

    private static ApiKeyStore keys() {
        return new ApiKeyStore(stack.sql());
    }

    /** A person of a new org, in a team of their own, with an org-wide key of every scope made directly in the store. */
    private record Person(String org, String team, TeamStore.Member member, String key) {}

    private static Person person(String name, String plan, String role) {
        String org = stack.org(name, plan);
        TeamStore teams = new TeamStore(stack.sql());
        String team = teams.createTeam(org, "team-" + name, "Team " + name).teamId();
        TeamStore.Member member = teams.addMember(org, team, "m-" + role, role + "@" + name + ".example", role);
        return new Person(org, team, member, keys().create(org, null, member.memberId(), role + "'s key", ALL, null).secret());
    }

    @Test
    void aKeyCannotMintASuccessorThatOutlivesIt() {
        String org = stack.org("outlive", "pro");
        Instant expiry = stack.clock.instant().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String shortLived = keys().create(org, null, "short", ALL, expiry).secret();
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer inherited = post(client, "/api/v1/api-keys", shortLived, "{\"name\":\"successor\",\"scopes\":[\"read\",\"admin\"]}");
            assertThat(inherited.status()).isEqualTo(201);
            assertThat(Instant.parse(inherited.json().at("/key/expires_at").asText())).as("a successor expires with its maker").isEqualTo(expiry);

            Http.Answer longer = post(client, "/api/v1/api-keys", shortLived,
                    "{\"name\":\"forever\",\"expires_at\":\"" + expiry.plus(Duration.ofDays(365)) + "\"}");
            assertThat(longer.status()).isEqualTo(403);
            assertThat(longer.contentType()).startsWith("application/problem+json");
            assertThat(longer.json().get("code").asText()).isEqualTo("expiry_exceeds_caller");
            assertThat(longer.json().get("field").asText()).isEqualTo("expires_at");
        });
    }

    @Test
    void anExpiredKeyCannotBeRotatedIntoALiveOne() {
        String org = stack.org("renew", "pro");
        String admin = stack.key(org, "admin");
        ApiKeyStore.CreatedKey expiring = keys().create(org, null, "expiring", ALL, stack.clock.instant().plus(Duration.ofHours(1)));
        JavalinTest.test(stack.app(), (server, client) -> {
            stack.clock.advance(Duration.ofHours(2));
            try {
                Http.Answer rotated = post(client, "/api/v1/api-keys/" + expiring.key().keyId() + "/rotate", admin, null);
                assertThat(rotated.status()).isEqualTo(409);
                assertThat(rotated.json().get("code").asText()).isEqualTo("key_expired");
                assertThat(rotated.text()).doesNotContain("tt_");
                assertThat(get(client, "/api/v1/api-keys", admin).json().get("api_keys")).as("no successor was made").hasSize(2);
                assertThat(get(client, "/api/v1/usage", expiring.secret()).status()).isEqualTo(401);
            } finally {
                stack.clock.advance(Duration.ofHours(-2));
            }
            // A live key with an expiry keeps it through rotation: rotating is never renewing.
            Http.Answer live = post(client, "/api/v1/api-keys/" + expiring.key().keyId() + "/rotate", admin, null);
            assertThat(live.status()).isEqualTo(201);
            assertThat(Instant.parse(live.json().at("/key/expires_at").asText())).isEqualTo(expiring.key().expiresAt());
        });
    }

    @Test
    void aKeyIsNeverMadeWithScopesAboveItsMembersRole() {
        Person plain = person("mint-scope", "pro", "member");
        TeamStore.Member member = plain.member();
        String owner = stack.key(plain.org(), "admin");
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer refused = post(client, "/api/v1/api-keys", owner,
                    "{\"name\":\"too much\",\"member_id\":\"" + member.memberId() + "\",\"scopes\":[\"read\",\"admin\"]}");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().get("code").asText()).isEqualTo("scope_exceeds_role");
            assertThat(refused.json().get("field").asText()).isEqualTo("scopes[1]");
            Http.Answer fine = post(client, "/api/v1/api-keys", owner,
                    "{\"name\":\"enough\",\"member_id\":\"" + member.memberId() + "\",\"scopes\":[\"read\",\"write\"]}");
            assertThat(fine.status()).isEqualTo(201);
        });
    }

    @Test
    void aDemotedAdminsExistingAdminKeyLosesItsAdminScope() {
        Person demoted = person("demote", "pro", "admin");
        TeamStore.Member admin = demoted.member();
        String adminKey = demoted.key();
        String ownerKey = stack.key(demoted.org(), "admin");
        JavalinTest.test(stack.app(), (server, client) -> {
            assertThat(get(client, "/api/v1/webhooks", adminKey).status()).isEqualTo(200);
            Http.Answer changed = call(client, "PUT", "/api/v1/members/" + admin.memberId() + "/role", ownerKey, "{\"role\":\"member\"}");
            assertThat(changed.status()).isEqualTo(200);
            assertThat(changed.json().get("role").asText()).isEqualTo("member");
            Http.Answer after = get(client, "/api/v1/webhooks", adminKey);
            assertThat(after.status()).as("the key still says admin; the role no longer allows it").isEqualTo(403);
            assertThat(after.json().get("code").asText()).isEqualTo("insufficient_role");
            // What the member role allows keeps working on the same key.
            assertThat(post(client, "/api/v1/interactions", adminKey, "[]").status()).isNotEqualTo(403);
        });
    }

    @Test
    void aMembersDemotionTakesEffectOnAnotherInstanceWithinTheCacheLifetime() {
        Person admin = person("demote-db", "pro", "admin");
        String adminKey = admin.key();
        // Demoted by another instance (or an operator): only the database changed.
        stack.sql().update("demote", "UPDATE members SET role = 'member' WHERE org_id = ? AND member_id = ?", ps -> {
            ps.setString(1, admin.org());
            ps.setString(2, admin.member().memberId());
        });
        JavalinTest.test(stack.app(), (server, client) -> {
            for (String[] route : new String[][] {{"GET", "/api/v1/webhooks"}, {"GET", "/api/v1/api-keys"}, {"PUT", "/api/v1/models/policy"}}) {
                Http.Answer a = call(client, route[0], route[1], adminKey, route[0].equals("GET") ? null : "{}");
                assertThat(a.status()).as(route[1]).isEqualTo(403);
            }
        });
    }

    @Test
    void everyAdminScopedRouteAlsoRequiresAnAdminRole() {
        // Made directly in the store (the API refuses it now): a member's key that says admin.
        Person member = person("admin-role", "enterprise", "member");
        String memberAdminKey = member.key();
        String keyId = keys().create(member.org(), null, "other", List.of("read"), null).key().keyId();
        JavalinTest.test(stack.app(), (server, client) -> {
            List<ApiRoute> adminRoutes = ServingApp.routes(server).stream().filter(r -> r.gate().scope() == Scope.ADMIN).toList();
            assertThat(adminRoutes).hasSizeGreaterThan(20);
            assertThat(adminRoutes).allSatisfy(r -> assertThat(r.gate().role()).as(r.method() + " " + r.path()).isIn(Role.ADMIN, Role.OWNER));
            for (String[] route : new String[][] {{"GET", "/api/v1/webhooks"}, {"POST", "/api/v1/experiments"}, {"PUT", "/api/v1/models/policy"},
                {"GET", "/api/v1/api-keys/" + keyId + "/usage"}, {"POST", "/api/v1/webhooks"}}) {
                Http.Answer a = call(client, route[0], route[1], memberAdminKey, route[0].equals("GET") ? null : "{}");
                assertThat(a.status()).as(route[0] + " " + route[1]).isEqualTo(403);
                assertThat(a.json().get("code").asText()).isEqualTo("insufficient_role");
            }
        });
    }

    @Test
    void addingAnExistingMemberNeverChangesTheirRole() {
        String org = stack.org("readd", "pro");
        TeamStore teams = new TeamStore(stack.sql());
        String teamA = teams.createTeam(org, "team-ra", "A").teamId();
        String teamB = teams.createTeam(org, "team-rb", "B").teamId();
        TeamStore.Member admin = teams.addMember(org, teamA, "m-adm", "adm@ra.example", "admin");
        TeamStore.Member owner = teams.addMember(org, teamA, "m-own", "own@ra.example", "owner");
        String ownerKey = keys().create(org, null, owner.memberId(), "owner's key", ALL, null).secret();
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer demote = post(client, "/api/v1/teams/" + teamB + "/members", ownerKey, "{\"email\":\"ADM@ra.example\",\"role\":\"member\"}");
            assertThat(demote.status()).isEqualTo(409);
            assertThat(demote.json().get("code").asText()).isEqualTo("member_exists");
            assertThat(demote.json().get("detail").asText()).contains("/api/v1/members/" + admin.memberId() + "/role");
            assertThat(teams.member(org, admin.memberId()).orElseThrow().role()).isEqualTo("admin");

            Http.Answer joined = post(client, "/api/v1/teams/" + teamB + "/members", ownerKey, "{\"email\":\"adm@ra.example\"}");
            assertThat(joined.status()).as("no role: join the team, keep the role").isEqualTo(201);
            assertThat(joined.json().get("role").asText()).isEqualTo("admin");
            assertThat(teams.members(org, teamB)).extracting(TeamStore.Member::memberId).containsExactly(admin.memberId());

            Http.Answer lastOwner = call(client, "PUT", "/api/v1/members/" + owner.memberId() + "/role", ownerKey, "{\"role\":\"admin\"}");
            assertThat(lastOwner.status()).isEqualTo(409);
            assertThat(lastOwner.json().get("code").asText()).isEqualTo("last_owner");
            Http.Answer badRole = call(client, "PUT", "/api/v1/members/" + admin.memberId() + "/role", ownerKey, "{\"role\":\"king\"}");
            assertThat(badRole.status()).isEqualTo(400);
            assertThat(badRole.json().get("field").asText()).isEqualTo("role");
        });
    }

    @Test
    void aTeamsKeyStaysInsideItsTeam() {
        String org = stack.org("teamkey", "pro");
        String orgKey = stack.key(org, "admin");
        TeamStore teams = new TeamStore(stack.sql());
        String mine = teams.createTeam(org, "team-mine", "Mine").teamId();
        String theirs = teams.createTeam(org, "team-theirs", "Theirs").teamId();
        String teamKey = keys().create(org, mine, "team key", ALL, null).secret();
        String theirKeyId = keys().create(org, theirs, "their key", List.of("read"), null).key().keyId();
        JavalinTest.test(stack.app(), (server, client) -> {
            for (String[] route : new String[][] {{"GET", "/api/v1/teams/" + theirs}, {"GET", "/api/v1/teams/" + theirs + "/members"},
                {"GET", "/api/v1/teams/" + theirs + "/api-keys"}, {"DELETE", "/api/v1/teams/" + theirs},
                {"GET", "/api/v1/api-keys/" + theirKeyId}, {"DELETE", "/api/v1/api-keys/" + theirKeyId},
                {"POST", "/api/v1/api-keys/" + theirKeyId + "/rotate"}, {"GET", "/api/v1/api-keys?team_id=" + theirs}}) {
                Http.Answer a = call(client, route[0], route[1], teamKey, null);
                assertThat(a.status()).as(route[0] + " " + route[1]).isEqualTo(404);
                assertThat(a.json().get("code").asText()).isEqualTo("not_found");
            }
            Http.Answer join = post(client, "/api/v1/teams/" + theirs + "/members", teamKey, "{\"email\":\"x@tk.example\"}");
            assertThat(join.status()).isEqualTo(404);
            Http.Answer keyThere = post(client, "/api/v1/api-keys", teamKey, "{\"name\":\"x\",\"team_id\":\"" + theirs + "\"}");
            assertThat(keyThere.status()).isEqualTo(404);
            Http.Answer newTeam = post(client, "/api/v1/teams", teamKey, "{\"name\":\"Escape\"}");
            assertThat(newTeam.status()).isEqualTo(403);
            assertThat(newTeam.json().get("code").asText()).isEqualTo("team_key_not_allowed");

            assertThat(get(client, "/api/v1/teams", teamKey).json().get("teams").findValuesAsText("team_id")).containsExactly(mine);
            assertThat(get(client, "/api/v1/api-keys", teamKey).json().get("api_keys").findValuesAsText("team_id")).containsOnly(mine);
            Http.Answer minted = post(client, "/api/v1/api-keys", teamKey, "{\"name\":\"in my team\"}");
            assertThat(minted.status()).isEqualTo(201);
            assertThat(minted.json().at("/key/team_id").asText()).as("a team key mints keys of its team").isEqualTo(mine);
            assertThat(get(client, "/api/v1/teams/" + mine + "/members", teamKey).status()).isEqualTo(200);
            // The org-wide key still reaches both teams.
            assertThat(get(client, "/api/v1/teams/" + theirs, orgKey).status()).isEqualTo(200);
            assertThat(get(client, "/api/v1/api-keys/" + theirKeyId, orgKey).status()).isEqualTo(200);
        });
    }

    @Test
    void theKeyCacheNeverHoldsMoreThanItsCap() throws Exception {
        String org = stack.org("cache", "pro");
        List<String> secrets = java.util.stream.IntStream.range(0, 12).mapToObj(i -> stack.key(org, "read")).toList();
        io.tunetrail.api.auth.Authenticator auth = new io.tunetrail.api.auth.Authenticator(keys(), stack.plans, stack.clock, 60_000, 3);
        java.util.concurrent.atomic.AtomicInteger largest = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                largest.accumulateAndGet(auth.cachedKeys(), Math::max);
            }
        });
        sampler.start();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<String>> calls = new java.util.ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (String secret : secrets) {
                    calls.add(pool.submit(() -> auth.authenticate(secret).orgId()));
                }
            }
            for (java.util.concurrent.Future<String> call : calls) {
                assertThat(call.get()).as("an evicted key still authenticates (from the database)").isEqualTo(org);
            }
        } finally {
            pool.shutdown();
            done.set(true);
            sampler.join();
        }
        assertThat(largest.get()).as("largest size seen while 12 keys called").isBetween(1, 3);
        assertThat(auth.cachedKeys()).isEqualTo(3);
    }
}
