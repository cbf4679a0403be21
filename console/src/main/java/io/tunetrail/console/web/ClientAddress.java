package io.tunetrail.console.web;

import io.javalin.http.Context;
import io.tunetrail.console.auth.TrustedProxies;
import java.util.Collections;
import java.util.List;

/** The client address of a request as the sign-in limits and the audit log take it (see {@link TrustedProxies}). */
final class ClientAddress {
    private final TrustedProxies proxies;

    ClientAddress(TrustedProxies proxies) {
        this.proxies = proxies;
    }

    String of(Context ctx) {
        List<String> forwarded = Collections.list(ctx.req().getHeaders("X-Forwarded-For"));
        return proxies.clientAddress(ctx.req().getRemoteAddr(), forwarded);
    }
}
