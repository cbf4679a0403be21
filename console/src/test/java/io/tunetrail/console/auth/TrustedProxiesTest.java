package io.tunetrail.console.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
    private final TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7, fd00::/8");

    @Test
    void aConnectionFromAnUntrustedAddressIsTheClientWhateverItsHeaderSays() {
        assertThat(proxies.clientAddress("203.0.113.9", List.of("198.51.100.1"))).isEqualTo("203.0.113.9");
        assertThat(TrustedProxies.NONE.clientAddress("10.1.2.3", List.of("198.51.100.1"))).isEqualTo("10.1.2.3");
    }

    @Test
    void behindATrustedProxyTheRightMostUntrustedHopIsTheClientAndSpoofedHopsToItsLeftAreIgnored() {
        // The client wrote "1.1.1.1" itself; the proxy appended the address it saw.
        assertThat(proxies.clientAddress("10.0.0.5", List.of("1.1.1.1, 198.51.100.23"))).isEqualTo("198.51.100.23");
        // Two trusted proxies in a row, the header split over two lines.
        assertThat(proxies.clientAddress("10.0.0.5", List.of("1.1.1.1, 198.51.100.23", "192.168.1.7"))).isEqualTo("198.51.100.23");
        // A client that claims to be a trusted proxy in the header gains nothing: its own address was appended after it.
        assertThat(proxies.clientAddress("10.0.0.5", List.of("10.9.9.9, 203.0.113.50"))).isEqualTo("203.0.113.50");
        assertThat(proxies.clientAddress("fd00::1", List.of("2001:db8::7"))).isEqualTo("2001:db8::7");
    }

    @Test
    void aChainOfTrustedHopsOnlyOrAMalformedHopEndsAtTheLastHopThatCanBeBelieved() {
        assertThat(proxies.clientAddress("10.0.0.5", List.of("10.0.0.9"))).isEqualTo("10.0.0.9");
        assertThat(proxies.clientAddress("10.0.0.5", List.of("198.51.100.1, evil.example, 10.0.0.9"))).isEqualTo("10.0.0.9");
        assertThat(proxies.clientAddress("10.0.0.5", List.of("not an address"))).isEqualTo("10.0.0.5");
        assertThat(proxies.clientAddress("10.0.0.5", List.of())).isEqualTo("10.0.0.5");
    }

    @Test
    void rangesMatchByTheirPrefixOnly() {
        TrustedProxies narrow = TrustedProxies.parse("172.16.0.0/12");
        assertThat(narrow.trusted("172.31.255.255")).isTrue();
        assertThat(narrow.trusted("172.32.0.1")).isFalse();
        assertThat(narrow.trusted("::ffff:172.16.0.1")).as("an IPv4-mapped address is the IPv4 address").isTrue();
        assertThat(proxies.trusted("192.168.1.8")).isFalse();
    }

    @Test
    void hostNamesAndMalformedEntriesAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> TrustedProxies.parse("proxy.internal")).hasMessageContaining("'proxy.internal' is not an IP address");
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33")).hasMessageContaining("prefix of '10.0.0.0/33' must be 0 to 32");
        assertThatThrownBy(() -> TrustedProxies.parse("300.1.1.1")).hasMessageContaining("not an IP address");
        assertThat(TrustedProxies.literal("localhost")).as("no name is ever looked up").isNull();
    }
}
