package io.tunetrail.console.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.api.auth.Role;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.store.testing.FreshDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Console credentials in a database of their own: one e-mail per console account across orgs, roles kept. */
class ConsoleAccountsIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private final Sql sql = new Sql(DB.dataSource());
    private final Argon2idPasswords passwords = new Argon2idPasswords();
    private final ConsoleAccounts accounts = new ConsoleAccounts(sql, passwords);

    private String org(String id) {
        new OrgStore(sql).create(id, "Org " + id, "pro", "cloud");
        return id;
    }

    @Test
    void anExistingMemberKeepsTheirSeatAndRoleAndGetsCredentials() {
        String org = org("seat");
        TeamStore teams = new TeamStore(sql);
        String team = teams.createTeam(org, "t1", "Team").teamId();
        TeamStore.Member existing = teams.addMember(org, team, "m-1", "Eve@Seat.example", "admin");
        ConsoleAccounts.CreatedUser user = accounts.create(org, "eve@seat.example", Role.ADMIN);
        assertThat(user.memberId()).isEqualTo(existing.memberId());
        assertThat(teams.memberCount(org)).isEqualTo(1);
        assertThatThrownBy(() -> accounts.create(org, "eve@seat.example", Role.OWNER)).isInstanceOf(ConsoleAccounts.Refused.class)
                .hasMessageContaining("with role 'admin'");
    }

    @Test
    void anEmailSignsInToOneOrgOnlyAndARefusalSavesNothing() {
        String a = org("first");
        String b = org("second");
        accounts.create(a, "sam@shared.example", Role.OWNER);
        assertThatThrownBy(() -> accounts.create(b, "SAM@shared.example", Role.MEMBER)).isInstanceOf(ConsoleAccounts.Refused.class)
                .hasMessageContaining("org 'first'");
        assertThat(new TeamStore(sql).memberByEmail(b, "sam@shared.example")).as("no member was made in the other org").isEmpty();
    }

    @Test
    void renewingGivesANewPasswordAndTheOldOneStopsWorking() {
        String org = org("renew");
        ConsoleAccounts.CreatedUser first = accounts.createOrRenew(org, "ray@renew.example", Role.OWNER);
        ConsoleAccounts.CreatedUser second = accounts.createOrRenew(org, "ray@renew.example", Role.OWNER);
        assertThat(second.memberId()).isEqualTo(first.memberId());
        assertThat(second.password()).isNotEqualTo(first.password());
        String stored = accounts.byEmail("ray@renew.example").orElseThrow().passwordHash();
        assertThat(passwords.matches(second.password(), stored)).isTrue();
        assertThat(passwords.matches(first.password(), stored)).isFalse();
    }
}
