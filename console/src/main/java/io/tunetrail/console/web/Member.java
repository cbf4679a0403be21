package io.tunetrail.console.web;

import io.tunetrail.api.auth.Principal;
import io.tunetrail.console.auth.SessionStore;

/**
 * A signed-in member for one request: the {@link Principal} the API's services and gates take (built as the API
 * builds one for a key of this member, with every scope the member's role allows), and the session; {@code brand}: the
 * org's white label when its plan shows one, else null.
 */
public record Member(Principal principal, SessionStore.Session session, String email, String orgName, Views.Brand brand) {

    public Views.MemberLine line() {
        return new Views.MemberLine(email, principal.role().wireName(), orgName, principal.plan().displayName(), session.csrfToken(), brand);
    }

    public Views.Frame frame(String title, String active) {
        return new Views.Frame(title, active, line());
    }
}
