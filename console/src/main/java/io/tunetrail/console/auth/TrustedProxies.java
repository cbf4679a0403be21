package io.tunetrail.console.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which client address a request comes from, for the sign-in limits and the audit log. {@code X-Forwarded-For} is
 * written by whoever sends the request, so it is believed only when the connection comes from a configured proxy, and
 * then only as far as it was appended by trusted proxies: the right-most hop that is not one of them is the client.
 * Everything left of that hop could have been sent by the client itself.
 */
public final class TrustedProxies {
    // Literals only: InetAddress.getByName would look a host name up in DNS, and a header must never cause a lookup.
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = ranges;
    }

    /** No proxy trusted: the connection's address, always. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    /**
     * Parses {@code console.trusted-proxies}: comma-separated addresses ({@code 10.0.0.7}, {@code ::1}) or CIDR ranges
     * ({@code 10.0.0.0/8}, {@code fd00::/8}). A malformed entry is refused with its reason rather than skipped, since a
     * proxy left out silently would make every client look like the proxy.
     */
    public static TrustedProxies parse(String config) {
        List<Range> ranges = new ArrayList<>();
        if (config == null || config.isBlank()) {
            return NONE;
        }
        for (String raw : config.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            byte[] address = literal(slash < 0 ? entry : entry.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("console.trusted-proxies: '" + entry + "' is not an IP address or CIDR range "
                        + "(write e.g. 10.0.0.7, 10.0.0.0/8 or fd00::/8; host names are not accepted)");
            }
            int prefix = address.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > address.length * 8) {
                    throw new IllegalArgumentException("console.trusted-proxies: the prefix of '" + entry + "' must be 0 to "
                            + address.length * 8);
                }
            }
            ranges.add(new Range(address, prefix));
        }
        return new TrustedProxies(List.copyOf(ranges));
    }

    /**
     * The client's address: {@code connection} unless it is a trusted proxy; then, of {@code forwardedFor} (every
     * {@code X-Forwarded-For} header in order, each a comma-separated list), the right-most hop that is not a trusted
     * proxy. A malformed hop ends the walk at the trusted hop to its right, which is as far as the chain can be believed.
     */
    public String clientAddress(String connection, List<String> forwardedFor) {
        if (!trusted(connection) || forwardedFor == null || forwardedFor.isEmpty()) {
            return connection;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        String client = connection;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (literal(hop) == null) {
                return client;
            }
            client = hop;
            if (!trusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    boolean trusted(String address) {
        byte[] bytes = literal(address);
        return bytes != null && ranges.stream().anyMatch(r -> r.contains(bytes));
    }

    /** The bytes of an IPv4 or IPv6 literal (an IPv4-mapped IPv6 address as IPv4), or null for anything else. */
    static byte[] literal(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            return null;
        }
        String candidate = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        if (!IPV4.matcher(candidate).matches() && !IPV6.matcher(candidate).matches()) {
            return null;
        }
        if (IPV4.matcher(candidate).matches()) {
            for (String part : candidate.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            return InetAddress.getByName(candidate).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
