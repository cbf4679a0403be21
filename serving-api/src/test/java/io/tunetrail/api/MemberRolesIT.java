package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.TeamOfThree;
import io.tunetrail.api.testing.Http;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Owner/admin routes check the role of the member a key belongs to, not only the key's admin scope; keys minted
 * through the API never carry more authority than their maker.
 */
class MemberRolesIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    /** An org with a team of one owner, one admin and one member, each with a key of their own. */
    private static TeamOfThree people(String name) {
        return TeamOfThree.create(stack, name, List.of("read", "write", "admin"));
    }

    @Test
    void ownerAndAdminRoutesRefuseAMembersAdminScopedKeyWithInsufficientRole() {
        TeamOfThree p = people("routes");
        JavalinTest.test(stack.app(), (server, client) -> {
            for (String path : List.of("/api/v1/api-keys", "/api/v1/teams", "/api/v1/org/plan", "/api/v1/feature-flags")) {
                Http.Answer refused = get(client, path, p.memberKey());
                assertThat(refused.status()).as(path).isEqualTo(403);
                assertThat(refused.json().get("code").asText()).as(path).isEqualTo("insufficient_role");
                assertThat(refused.json().get("detail").asText()).as(path).contains("'member'");
                for (String allowed : List.of(p.adminKey(), p.ownerKey(), p.orgKey())) {
                    assertThat(get(client, path, allowed).status()).as(path).isEqualTo(200);
                }
            }
            // Routes without a role requirement still serve the member's key.
            assertThat(get(client, "/api/v1/usage", p.memberKey()).status()).isEqualTo(200);
        });
    }

    @Test
    void aRoleChangeTakesEffectWithoutANewKey() {
        TeamOfThree p = people("promote");
        JavalinTest.test(stack.app(), (server, client) -> {
            assertThat(get(client, "/api/v1/org/plan", p.memberKey()).status()).isEqualTo(403);
            // The owner promotes the member through the role route; the key itself is unchanged.
            Http.Answer promoted = Http.call(client, "PUT", "/api/v1/members/" + p.member().memberId() + "/role", p.ownerKey(),
                    "{\"role\":\"admin\"}");
            assertThat(promoted.status()).isEqualTo(200);
            ServingApp.authenticator(server).forgetOrg(p.org());
        });
        // A new app instance: the other one's key cache must not decide this.
        JavalinTest.test(stack.app(), (server, client) -> assertThat(get(client, "/api/v1/org/plan", p.memberKey()).status()).isEqualTo(200));
    }

    @Test
    void keysMadeThroughTheApiBelongToAMemberAndNeverOutrankTheirMaker() {
        TeamOfThree p = people("minting");
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer own = post(client, "/api/v1/api-keys", p.adminKey(), "{\"name\":\"ci\",\"scopes\":[\"read\",\"admin\"]}");
            assertThat(own.status()).isEqualTo(201);
            assertThat(own.json().at("/key/member_id").asText()).as("defaults to the maker's member").isEqualTo(p.admin().memberId());

            Http.Answer forMember = post(client, "/api/v1/api-keys", p.adminKey(),
                    "{\"name\":\"theirs\",\"member_id\":\"" + p.member().memberId() + "\"}");
            assertThat(forMember.status()).isEqualTo(201);
            assertThat(forMember.json().at("/key/member_id").asText()).isEqualTo(p.member().memberId());

            Http.Answer forOwner = post(client, "/api/v1/api-keys", p.adminKey(),
                    "{\"name\":\"escalate\",\"member_id\":\"" + p.owner().memberId() + "\"}");
            assertThat(forOwner.status()).isEqualTo(403);
            assertThat(forOwner.json().get("code").asText()).isEqualTo("insufficient_role");

            Http.Answer makeOwner = post(client, "/api/v1/teams/" + p.team() + "/members", p.adminKey(),
                    "{\"email\":\"new@minting.example\",\"role\":\"owner\"}");
            assertThat(makeOwner.status()).isEqualTo(403);
            assertThat(makeOwner.json().get("code").asText()).isEqualTo("insufficient_role");
            Http.Answer demoteOwner = post(client, "/api/v1/teams/" + p.team() + "/members", p.adminKey(),
                    "{\"email\":\"" + p.owner().email() + "\",\"role\":\"member\"}");
            assertThat(demoteOwner.status()).isEqualTo(403);

            String orgKeyId = get(client, "/api/v1/api-keys", p.ownerKey()).json().get("api_keys").findValues("key_id").stream()
                    .map(n -> n.asText()).filter(id -> {
                        Http.Answer k = get(client, "/api/v1/api-keys/" + id, p.ownerKey());
                        return k.json().get("member_id").isNull();
                    }).findFirst().orElseThrow();
            Http.Answer rotateOrgKey = post(client, "/api/v1/api-keys/" + orgKeyId + "/rotate", p.adminKey(), null);
            assertThat(rotateOrgKey.status()).as("an admin may not mint a new secret for the org key").isEqualTo(403);

            Http.Answer otherOrgsMember = post(client, "/api/v1/api-keys", p.ownerKey(), "{\"name\":\"x\",\"member_id\":\"m-elsewhere\"}");
            assertThat(otherOrgsMember.status()).isEqualTo(404);
        });
    }
}
