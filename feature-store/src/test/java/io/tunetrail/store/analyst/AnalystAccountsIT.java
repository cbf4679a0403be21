package io.tunetrail.store.analyst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.store.ApiKeyHash;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.testing.FreshDatabase;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AnalystAccountsIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    static AnalystAccounts accounts;
    static String enterprise;
    static String pro;

    @BeforeAll
    static void orgs() throws Exception {
        accounts = new AnalystAccounts(DB.dataSource(), Clock.systemUTC());
        enterprise = DB.newOrg("enterprise");
        pro = DB.newOrg("pro");
    }

    static void key(String org, String keyId, String secret, String scopes, String extra) throws Exception {
        DB.execute("INSERT INTO api_keys (org_id, key_id, name, key_hash, key_prefix, scopes" + (extra.isEmpty() ? "" : ", revoked_at")
                + ") VALUES ('" + org + "', '" + keyId + "', 'bi', '" + ApiKeyHash.of(secret) + "', 'tt_abcdefgh', '" + scopes + "'"
                + (extra.isEmpty() ? "" : ", " + extra) + ")");
    }

    @Test
    void anAnalystLogsInWithThePrintedPasswordOnly() throws Exception {
        AnalystAccounts.Created all = accounts.create("ana", null);
        AnalystAccounts.Created bound = accounts.create("bob", enterprise);
        assertThat(accounts.authenticate("ana", all.password())).isEqualTo(new AnalystAccounts.Account("ana", null, false));
        assertThat(accounts.authenticate("bob", bound.password()).orgId()).isEqualTo(enterprise);
        assertThatThrownBy(() -> accounts.authenticate("ana", bound.password()))
                .isInstanceOf(AnalystAccounts.LoginRefused.class).hasMessageStartingWith("wrong user name or password");
        assertThatThrownBy(() -> accounts.authenticate("nobody", all.password()))
                .isInstanceOf(AnalystAccounts.LoginRefused.class).hasMessageStartingWith("wrong user name or password");
        assertThatThrownBy(() -> accounts.authenticate("ana", "")).isInstanceOf(AnalystAccounts.LoginRefused.class);
    }

    @Test
    void namesAreCheckedAndUnique() {
        accounts.create("carol", null);
        assertThatThrownBy(() -> accounts.create("carol", null)).isInstanceOf(StoreException.class).hasMessageContaining("exists already");
        assertThatThrownBy(() -> accounts.create("key_123", null)).isInstanceOf(StoreException.class).hasMessageContaining("key_");
        assertThatThrownBy(() -> accounts.create("Bad Name", null)).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> accounts.create("dave", "no-such-org")).isInstanceOf(StoreException.class).hasMessageContaining("no org");
    }

    @Test
    void anEnterpriseKeyWithTheBiScopeLogsInBoundToItsOrg() throws Exception {
        key(enterprise, "key_bi1", "tt_secret-bi-1-xxxxxxxxxxxxxxxx", "{read,bi}", "");
        key(enterprise, "key_read1", "tt_secret-read-1-xxxxxxxxxxxxxx", "{read}", "");
        key(enterprise, "key_revoked", "tt_secret-revoked-xxxxxxxxxxxxx", "{bi}", "now()");
        key(pro, "key_pro1", "tt_secret-pro-1-xxxxxxxxxxxxxxxx", "{bi}", "");
        assertThat(accounts.authenticate("key_bi1", "tt_secret-bi-1-xxxxxxxxxxxxxxxx"))
                .isEqualTo(new AnalystAccounts.Account("key_bi1", enterprise, true));
        assertThatThrownBy(() -> accounts.authenticate("key_bi1", "tt_secret-read-1-xxxxxxxxxxxxxx")).hasMessageStartingWith("wrong user");
        assertThatThrownBy(() -> accounts.authenticate("key_read1", "tt_secret-read-1-xxxxxxxxxxxxxx")).hasMessageContaining("lacks the 'bi' scope");
        assertThatThrownBy(() -> accounts.authenticate("key_revoked", "tt_secret-revoked-xxxxxxxxxxxxx")).hasMessageContaining("revoked");
        assertThatThrownBy(() -> accounts.authenticate("key_pro1", "tt_secret-pro-1-xxxxxxxxxxxxxxxx")).hasMessageContaining("enterprise plan");
    }
}
