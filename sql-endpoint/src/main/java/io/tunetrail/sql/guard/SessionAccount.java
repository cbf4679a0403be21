package io.tunetrail.sql.guard;

import io.tunetrail.store.analyst.AnalystAccounts.Account;

/**
 * Who runs the statements of one Spark session: the endpoint itself (registering tables and views), an analyst's
 * account, or nobody known (a Thrift session whose login is not on record: it may only switch database, which
 * sessions do while they open).
 *
 * @param orgDatabase the only database an org-bound account may read (its org's views); null otherwise
 */
public record SessionAccount(Kind kind, Account account, String orgDatabase) {
    public enum Kind { ENDPOINT, ANALYST, UNKNOWN }

    public static final SessionAccount ENDPOINT = new SessionAccount(Kind.ENDPOINT, null, null);
    public static final SessionAccount UNKNOWN = new SessionAccount(Kind.UNKNOWN, null, null);

    public boolean orgBound() {
        return account != null && account.orgBound();
    }

    /** How refusals name the account. */
    public String describe() {
        return account == null ? "an unknown session" : (account.apiKey() ? "API key " : "analyst ") + account.login()
                + (account.orgBound() ? " (bound to org " + account.orgId() + ")" : "");
    }
}
