package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.assertProblem;
import static io.tunetrail.api.testing.Http.call;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every admin action reachable through the API leaves one audit entry, written with the change; the log pages and filters. */
class AuditLogIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    private record Org(String org, String team, ApiKeyStore.CreatedKey owner, ApiKeyStore.CreatedKey admin, ApiKeyStore.CreatedKey member) {}

    private static Org org(String name) {
        String org = stack.org(name, "pro");
        TeamStore teams = new TeamStore(stack.sql());
        String team = teams.createTeam(org, "team-" + name, "Team " + name).teamId();
        teams.addMember(org, team, "m-owner", "owner@" + name + ".example", "owner");
        teams.addMember(org, team, "m-admin", "admin@" + name + ".example", "admin");
        teams.addMember(org, team, "m-member", "member@" + name + ".example", "member");
        ApiKeyStore keys = new ApiKeyStore(stack.sql());
        List<String> all = List.of("read", "write", "admin");
        return new Org(org, team, keys.create(org, null, "m-owner", "owner key", all, null),
                keys.create(org, null, "m-admin", "admin key", all, null),
                keys.create(org, null, "m-member", "member key", List.of("read", "write"), null));
    }

    /** Every entry of the log through the API, following cursors {@code limit} at a time. */
    private static List<JsonNode> all(HttpClient client, String key, String query, int limit) {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        do {
            Http.Answer page = get(client, "/api/v1/audit-log?limit=" + limit + query + (cursor == null ? "" : "&cursor=" + cursor), key);
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            assertThat(page.json().get("entries").size()).isLessThanOrEqualTo(limit);
            page.json().get("entries").forEach(out::add);
            cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
        } while (cursor != null);
        return out;
    }

    private static List<String> actions(List<JsonNode> entries) {
        return entries.stream().map(e -> e.get("action").asText()).toList();
    }

    @Test
    void adminActionsAreLoggedNewestFirstWithTheirActorAndPageAndFilter() {
        Org o = org("audit");
        Org other = org("audit-other");
        JavalinTest.test(stack.app(), (server, client) -> {
            String owner = o.owner().secret();
            String admin = o.admin().secret();
            String team = post(client, "/api/v1/teams", admin, "{\"name\":\"Data\"}").json().get("team_id").asText();
            assertThat(call(client, "PUT", "/api/v1/teams/" + team, admin, "{\"name\":\"Data science\"}").status()).isEqualTo(200);
            assertThat(post(client, "/api/v1/teams/" + team + "/members", admin, "{\"email\":\"new@audit.example\"}").status()).isEqualTo(201);
            assertThat(call(client, "PUT", "/api/v1/members/m-member/role", owner, "{\"role\":\"admin\"}").status()).isEqualTo(200);
            String keyId = post(client, "/api/v1/api-keys", admin, "{\"name\":\"ci\"}").json().at("/key/key_id").asText();
            String rotatedId = post(client, "/api/v1/api-keys/" + keyId + "/rotate", admin, null).json().at("/key/key_id").asText();
            assertThat(call(client, "DELETE", "/api/v1/api-keys/" + rotatedId, admin, null).status()).isEqualTo(200);
            assertThat(call(client, "DELETE", "/api/v1/api-keys/" + rotatedId, admin, null).status()).as("revoking twice").isEqualTo(200);
            assertThat(call(client, "PUT", "/api/v1/feature-flags/new-ui", owner, "{\"rollout_percent\":10}").status()).isEqualTo(200);
            assertThat(call(client, "DELETE", "/api/v1/feature-flags/new-ui", owner, null).status()).isEqualTo(204);
            assertThat(call(client, "DELETE", "/api/v1/teams/" + team + "/members/m-member", owner, null).status()).isEqualTo(404);
            assertThat(call(client, "DELETE", "/api/v1/teams/" + team, admin, null).status()).isEqualTo(204);
            // A refused change leaves no entry.
            assertThat(call(client, "PUT", "/api/v1/members/m-owner/role", owner, "{\"role\":\"admin\"}").status()).isEqualTo(409);

            List<JsonNode> entries = all(client, owner, "&action=" + "team" + "&actor=" + "m-admin", 50);
            assertThat(actions(entries)).containsExactly("team.deleted", "team.renamed", "team.created");
            JsonNode renamed = entries.get(1);
            assertThat(renamed.get("actor_type").asText()).isEqualTo("api_key");
            assertThat(renamed.get("actor_id").asText()).isEqualTo(o.admin().key().keyId());
            assertThat(renamed.get("actor_member_id").asText()).isEqualTo("m-admin");
            assertThat(renamed.get("target_id").asText()).isEqualTo(team);
            assertThat(renamed.at("/details/from").asText()).isEqualTo("Data");
            assertThat(renamed.at("/details/to").asText()).isEqualTo("Data science");

            List<JsonNode> mine = all(client, owner, "&actor=" + o.admin().key().keyId() + "&from=" + entries.get(2).get("occurred_at").asText(), 3);
            assertThat(actions(mine)).containsExactly("team.deleted", "api_key.revoked", "api_key.rotated", "api_key.created", "member.added",
                    "team.renamed", "team.created");
            assertThat(mine.get(1).toString()).doesNotContain(o.admin().secret()).doesNotContain("key_hash");
            assertThat(mine.get(2).at("/details/replaces_key_id").asText()).isEqualTo(keyId);

            assertThat(actions(all(client, owner, "&actor=m-owner", 50))).containsExactly("flag.deleted", "flag.written", "member.role_changed");
            assertThat(actions(all(client, admin, "&action=member.role_changed", 50))).containsExactly("member.role_changed");

            // [from, to): the window of one entry's instant holds exactly the entries of that instant.
            List<JsonNode> everything = all(client, owner, "", 200);
            assertThat(all(client, owner, "", 2)).extracting(e -> e.get("audit_id").asLong())
                    .containsExactlyElementsOf(everything.stream().map(e -> e.get("audit_id").asLong()).toList());
            String at = everything.get(3).get("occurred_at").asText();
            String next = java.time.Instant.parse(at).plusNanos(1000).toString();
            assertThat(all(client, owner, "&from=" + at + "&to=" + next, 50)).extracting(e -> e.get("audit_id").asLong())
                    .contains(everything.get(3).get("audit_id").asLong());
            assertThat(all(client, owner, "&to=" + at, 200)).hasSize((int) everything.stream()
                    .filter(e -> java.time.Instant.parse(e.get("occurred_at").asText()).isBefore(java.time.Instant.parse(at))).count());

            // Another org sees nothing of this one.
            assertThat(all(client, other.owner().secret(), "", 200)).noneMatch(e -> e.toString().contains("Data science"));
        });
    }

    @Test
    void badFiltersAndCallersAreRefused() {
        Org o = org("audit-refusals");
        String teamKey = new ApiKeyStore(stack.sql()).create(o.org(), o.team(), "m-admin", "team key", List.of("read", "write", "admin"), null)
                .secret();
        JavalinTest.test(stack.app(), (server, client) -> {
            String owner = o.owner().secret();
            assertProblem(get(client, "/api/v1/audit-log?from=yesterday", owner), 400, "invalid_field", "from");
            assertProblem(get(client, "/api/v1/audit-log?to=2026-13-01T00:00:00Z", owner), 400, "invalid_field", "to");
            assertProblem(get(client, "/api/v1/audit-log?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", owner), 400, "invalid_field", "from");
            assertProblem(get(client, "/api/v1/audit-log?action=" + URLEncoder.encode("x' OR 1=1", StandardCharsets.UTF_8), owner), 400,
                    "invalid_field", "action");
            assertProblem(get(client, "/api/v1/audit-log?actor=" + URLEncoder.encode("a b", StandardCharsets.UTF_8), owner), 400, "invalid_field", "actor");
            assertProblem(get(client, "/api/v1/audit-log?cursor=bm9wZQ", owner), 400, "invalid_field", "cursor");
            assertProblem(get(client, "/api/v1/audit-log?limit=0", owner), 400, "invalid_field", "limit");
            assertProblem(get(client, "/api/v1/audit-log", o.member().secret()), 403, "insufficient_role", null);
            assertProblem(get(client, "/api/v1/audit-log", teamKey), 403, "team_key_not_allowed", null);
            assertProblem(get(client, "/api/v1/audit-log", null), 401, "missing_api_key", null);
        });
    }

    @Test
    void aPlanChangeByStripeIsLoggedWithTheEvent() throws Exception {
        Org o = org("audit-stripe");
        String eventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
        String payload = StripeWebhookIT.event(eventId, "checkout.session.completed", "{\"object\":\"checkout.session\",\"client_reference_id\":\""
                + o.org() + "\",\"customer\":\"cus_Audit1\",\"subscription\":\"sub_Audit1\",\"metadata\":{\"price_id\":\"price_enterprise_monthly\"}}");
        JavalinTest.test(stack.app(), (server, client) -> {
            assertThat(StripeWebhookIT.deliver(client, payload, StripeWebhookIT.sign(payload, ApiTestStack.WEBHOOK_SECRET)).status()).isEqualTo(200);
            List<JsonNode> entries = all(client, o.owner().secret(), "&action=org", 50);
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).get("action").asText()).isEqualTo("org.plan_changed");
            assertThat(entries.get(0).get("actor_type").asText()).isEqualTo("stripe");
            assertThat(entries.get(0).get("actor_id").asText()).isEqualTo(eventId);
            assertThat(entries.get(0).at("/details/plan_id").asText()).isEqualTo("enterprise");
            // The same event again changes nothing and logs nothing.
            assertThat(StripeWebhookIT.deliver(client, payload, StripeWebhookIT.sign(payload, ApiTestStack.WEBHOOK_SECRET)).status()).isEqualTo(200);
            assertThat(all(client, o.owner().secret(), "&action=org", 50)).hasSize(1);
        });
    }

    /** The entry and its change commit together: when the entry cannot be written, the change is rolled back too. */
    @Test
    void anEntryIsWrittenInTheTransactionOfItsChange() {
        Org o = org("audit-atomic");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> stack.sql().transaction("renaming with a bad entry", c -> {
            try (var ps = c.prepareStatement("UPDATE teams SET name = 'Renamed' WHERE org_id = ? AND team_id = ?")) {
                ps.setString(1, o.org());
                ps.setString(2, o.team());
                ps.executeUpdate();
            }
            // The action breaks the table's CHECK: the entry fails after the change was made on the same connection.
            AuditLog.record(c, o.org(), AuditLog.Actor.OPERATOR, "Not An Action", "team", o.team(), java.util.Map.of());
            return null;
        })).isInstanceOf(io.tunetrail.store.StoreException.class);
        assertThat(new TeamStore(stack.sql()).team(o.org(), o.team()).orElseThrow().name()).isEqualTo("Team audit-atomic");
    }
}
