package io.tunetrail.console.web;

import io.tunetrail.api.store.Sql;
import java.util.ArrayList;
import java.util.List;

/** The algorithms an org has model versions of, for the models page's choice; the versions themselves come from the API's service. */
final class OrgAlgorithms {
    private final Sql sql;

    OrgAlgorithms(Sql sql) {
        this.sql = sql;
    }

    /** The org's algorithms, with {@code always} among them even before its first version. */
    List<String> of(String orgId, String always) {
        List<String> found = new ArrayList<>(sql.list("listing model algorithms", "SELECT DISTINCT algorithm FROM model_versions WHERE org_id = ? "
                + "ORDER BY algorithm", ps -> ps.setString(1, orgId), rs -> rs.getString(1)));
        if (!found.contains(always)) {
            found.add(0, always);
        }
        return found;
    }
}
