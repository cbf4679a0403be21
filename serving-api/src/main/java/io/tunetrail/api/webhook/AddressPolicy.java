package io.tunetrail.api.webhook;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Which addresses a webhook may be sent to: public unicast internet addresses only. Everything a customer could use to
 * reach our own network or machine is refused: loopback, unspecified, private, CGNAT, link-local (cloud metadata at
 * 169.254.169.254), multicast, broadcast and reserved IPv4 ranges, documentation and benchmarking ranges, and in IPv6
 * anything outside global unicast 2000::/3 plus the special blocks inside it. IPv6 forms that carry an IPv4 address
 * (IPv4-mapped, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by the IPv4 address they lead to; IPv4-compatible and
 * Teredo forms are refused outright.
 */
public final class AddressPolicy {
    private final boolean allowLoopback;

    /** {@code allowLoopback}: let 127.0.0.0/8 and ::1 through (the local demo and tests; never in production). */
    public AddressPolicy(boolean allowLoopback) {
        this.allowLoopback = allowLoopback;
    }

    /** Why {@code address} may not receive webhooks (a fixed word such as {@code private}), or empty when it may. */
    public Optional<String> refusal(InetAddress address) {
        byte[] b = address.getAddress();
        String why = b.length == 4 ? ipv4(b, 0) : ipv6(b);
        if (why == null || (allowLoopback && why.equals("loopback"))) {
            return Optional.empty();
        }
        return Optional.of(why);
    }

    public boolean allowsLoopback() {
        return allowLoopback;
    }

    /** The refusal of the IPv4 address at {@code b[at..at+3]}, or null when it is public. */
    private static String ipv4(byte[] b, int at) {
        int a0 = b[at] & 0xff;
        int a1 = b[at + 1] & 0xff;
        int a2 = b[at + 2] & 0xff;
        long all = ((long) a0 << 24) | (a1 << 16) | (a2 << 8) | (b[at + 3] & 0xff);
        if (a0 == 127) {
            return "loopback";
        }
        if (a0 == 0) {
            return "unspecified"; // 0.0.0.0/8: on Linux a connection to 0.0.0.0 reaches the local machine
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
            return "private";
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return "shared_cgnat";
        }
        if (a0 == 169 && a1 == 254) {
            return "link_local";
        }
        if (a0 >= 224 && a0 <= 239) {
            return "multicast";
        }
        if (all == 0xffffffffL) {
            return "broadcast";
        }
        if (a0 >= 240) {
            return "reserved";
        }
        if ((a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2)) || (a0 == 198 && a1 == 51 && a2 == 100) || (a0 == 203 && a1 == 0 && a2 == 113)
                || (a0 == 198 && (a1 & 0xfe) == 18) || (a0 == 192 && a1 == 88 && a2 == 99)) {
            // IETF protocol assignments, TEST-NET-1/2/3, benchmarking 198.18/15, the retired 6to4 relay anycast
            return "reserved";
        }
        return null;
    }

    private static String ipv6(byte[] b) {
        if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return ipv4(b, 12); // ::ffff:a.b.c.d, IPv4-mapped: the socket connects to a.b.c.d
        }
        if (zero(b, 0, 15) && b[15] == 1) {
            return "loopback";
        }
        if (zero(b, 0, 16)) {
            return "unspecified";
        }
        if (zero(b, 0, 12)) {
            return "ipv4_compatible"; // deprecated ::a.b.c.d; nothing public uses it
        }
        int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        if (w0 == 0x0064 && w1 == 0xff9b) {
            // NAT64: 64:ff9b::/96 translates to the IPv4 address in the last 32 bits; 64:ff9b:1::/48 is local-use.
            return zero(b, 4, 12) ? ipv4(b, 12) : "private";
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return "unique_local";
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
            return "link_local";
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
            return "site_local";
        }
        if ((b[0] & 0xff) == 0xff) {
            return "multicast";
        }
        if ((b[0] & 0xe0) != 0x20) {
            return "reserved"; // outside global unicast 2000::/3 (includes 100::/64 discard-only)
        }
        if (w0 == 0x2002) {
            return ipv4(b, 2); // 6to4 carries the IPv4 address its relay forwards to
        }
        if (w0 == 0x2001 && w1 < 0x0200) {
            return "reserved"; // 2001::/23 IETF protocol assignments: Teredo, benchmarking, ORCHID
        }
        if (w0 == 0x2001 && w1 == 0x0db8) {
            return "reserved"; // documentation
        }
        if (w0 == 0x3fff && (w1 & 0xf000) == 0) {
            return "reserved"; // documentation 3fff::/20
        }
        return null;
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
