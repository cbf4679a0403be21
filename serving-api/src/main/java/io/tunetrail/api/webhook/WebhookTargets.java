package io.tunetrail.api.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a webhook URL may point, checked when it is registered and again before every delivery: {@code https://}, or
 * {@code http://} for hosts the operator lists; no user info; every address the host resolves to allowed by the
 * {@link AddressPolicy}. A delivery connects to the address this check returns ({@link Target#address()}), never to a
 * second lookup of the name, so a DNS answer that changes between the check and the connection (rebinding) cannot
 * redirect it.
 */
public final class WebhookTargets {
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** A URL checked and pinned to one allowed address. */
    public record Target(URI uri, String host, int port, boolean tls, InetAddress address) {}

    /** Why a URL is refused: {@code reason} is a fixed word (for records and counters), {@code detail} for the caller. */
    public record Refusal(String reason, String detail) {}

    private final AddressPolicy policy;
    private final HostResolver resolver;
    private final Set<String> httpHosts;

    public WebhookTargets(AddressPolicy policy, HostResolver resolver, List<String> httpHosts) {
        this.policy = policy;
        this.resolver = resolver;
        this.httpHosts = Set.copyOf(httpHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList());
    }

    /** The URL pinned to its first address, or why it may not be used. Resolves the host once. */
    public Result check(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
        if (host == null || uri.getRawUserInfo() != null || !uri.isAbsolute() || uri.isOpaque()) {
            return Result.refused("invalid_url", "'url' must be an absolute https URL with a host and no user info");
        }
        if (!scheme.equals("https") && !(scheme.equals("http") && httpHosts.contains(host))) {
            return Result.refused("scheme_forbidden", "'url' must use https:// (http:// only for hosts the operator lists in "
                    + "api.webhook.allow-http-hosts)");
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
        List<InetAddress> addresses;
        try {
            addresses = resolve(host);
        } catch (UnknownHostException e) {
            return Result.refused("unresolvable", FORBIDDEN);
        }
        if (addresses.isEmpty()) {
            return Result.refused("unresolvable", FORBIDDEN);
        }
        for (InetAddress a : addresses) {
            // Every address, not just the first: a name with one public and one private record must not pass.
            Optional<String> why = policy.refusal(a);
            if (why.isPresent()) {
                return Result.refused(why.get(), FORBIDDEN);
            }
        }
        return new Result(new Target(uri, host, port, tls, addresses.get(0)), null);
    }

    // One text for an unresolvable host and a non-public one, so registration is no oracle on internal DNS names.
    private static final String FORBIDDEN = "'url' must name a host that resolves only to public internet addresses; "
            + "loopback, private, link-local, multicast and other non-public addresses are refused";

    private List<InetAddress> resolve(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (IPV4_LITERAL.matcher(bare).matches()) {
            // A literal is parsed here, never sent to a resolver (which would look an invalid one up as a name).
            String[] parts = bare.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    throw new UnknownHostException(bare);
                }
                b[i] = (byte) v;
            }
            return List.of(InetAddress.getByAddress(b));
        }
        if (bare.contains(":")) {
            return List.of(InetAddress.getByName(bare)); // URI only gives a bracketed host it parsed as IPv6
        }
        return resolver.resolve(bare);
    }

    /** A checked target, or the refusal. */
    public record Result(Target target, Refusal refusal) {
        static Result refused(String reason, String detail) {
            return new Result(null, new Refusal(reason, detail));
        }

        public boolean allowed() {
            return target != null;
        }
    }
}
