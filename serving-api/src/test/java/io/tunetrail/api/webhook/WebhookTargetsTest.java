package io.tunetrail.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.api.testing.TestResolver;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The SSRF rules on URLs and addresses, checked without connecting anywhere (names go through a test resolver). */
class WebhookTargetsTest {
    private final TestResolver resolver = new TestResolver()
            .answer("public.test", "93.184.216.34")
            .answer("public6.test", "2606:2800:220:1:248:1893:25c8:1946")
            .answer("internal.test", "10.1.2.3")
            .answer("metadata.test", "169.254.169.254")
            .answer("mixed.test", "93.184.216.34", "192.168.0.10")
            .answer("loop.test", "127.0.0.1")
            .answer("dev.test", "93.184.216.35");
    private final WebhookTargets targets = new WebhookTargets(new AddressPolicy(false), resolver, List.of("dev.test"));

    @ParameterizedTest(name = "{0} is refused ({1})")
    @CsvSource({
        "https://169.254.169.254/latest/meta-data/, link_local",
        "https://127.0.0.1:6379/, loopback",
        "https://127.8.9.10/, loopback",
        "https://0.0.0.0:8080/, unspecified",
        "https://10.0.0.1/, private",
        "https://172.16.5.4/, private",
        "https://172.31.255.255/, private",
        "https://192.168.1.1/, private",
        "https://100.64.0.1/, shared_cgnat",
        "https://224.0.0.1/, multicast",
        "https://255.255.255.255/, broadcast",
        "https://240.0.0.1/, reserved",
        "https://192.0.2.10/, reserved",
        "https://198.18.0.1/, reserved",
        "https://[::1]:6379/, loopback",
        "https://[::]/, unspecified",
        "https://[::ffff:127.0.0.1]/, loopback",
        "https://[::ffff:a9fe:a9fe]/, link_local",
        "https://[::ffff:10.0.0.1]/, private",
        "https://[::127.0.0.1]/, ipv4_compatible",
        "https://[64:ff9b::a00:1]/, private",
        "https://[64:ff9b::7f00:1]/, loopback",
        "https://[64:ff9b:1::1]/, private",
        "https://[2002:a9fe:a9fe::1]/, link_local",
        "https://[2002:7f00:1::]/, loopback",
        "https://[2001:0:4136:e378::1]/, reserved",
        "https://[2001:db8::1]/, reserved",
        "https://[fd00::1]/, unique_local",
        "https://[fc12:3456::1]/, unique_local",
        "https://[fe80::1]/, link_local",
        "https://[fec0::1]/, site_local",
        "https://[ff02::1]/, multicast",
        "https://[100::1]/, reserved",
        "https://internal.test/hook, private",
        "https://metadata.test/, link_local",
        "https://mixed.test/, private",
        "https://loop.test/, loopback",
        "https://nowhere.test/, unresolvable",
        "https://999.1.1.1/, invalid_url",
        "http://public.test/hook, scheme_forbidden",
        "http://93.184.216.34/, scheme_forbidden",
        "ftp://public.test/, scheme_forbidden",
        "https://user:pw@public.test/, invalid_url",
    })
    void nonPublicTargetsAreRefused(String url, String reason) {
        WebhookTargets.Result r = targets.check(URI.create(url));
        assertThat(r.allowed()).isFalse();
        assertThat(r.refusal().reason()).isEqualTo(reason);
        assertThat(r.refusal().detail()).contains("'url'");
    }

    @Test
    void unresolvableAndPrivateHostsGetTheSameDetailSoRegistrationIsNoOracleOnInternalNames() {
        assertThat(targets.check(URI.create("https://nowhere.test/")).refusal().detail())
                .isEqualTo(targets.check(URI.create("https://internal.test/")).refusal().detail());
    }

    @ParameterizedTest(name = "{0} is allowed")
    @ValueSource(strings = {"https://public.test/hook?x=1", "https://public6.test/", "http://dev.test:8080/hook", "https://93.184.216.34/",
        "https://[2606:2800:220:1:248:1893:25c8:1946]/", "https://[::ffff:93.184.216.34]/", "https://[64:ff9b::5db8:d822]/",
        "https://[2002:5db8:d822::1]/", "https://PUBLIC.test/", "https://172.32.0.1/", "https://100.128.0.1/"})
    void publicTargetsAreAllowedAndPinnedToTheirAddress(String url) throws Exception {
        WebhookTargets.Result r = targets.check(URI.create(url));
        assertThat(r.refusal()).isNull();
        assertThat(new AddressPolicy(false).refusal(r.target().address())).isEmpty();
    }

    @Test
    void theTargetCarriesTheAddressThatWasCheckedAndOneLookupPerCheck() throws Exception {
        int before = resolver.calls("public.test");
        WebhookTargets.Target t = targets.check(URI.create("https://public.test:8443/hook")).target();
        assertThat(t.address()).isEqualTo(InetAddress.getByName("93.184.216.34"));
        assertThat(t.port()).isEqualTo(8443);
        assertThat(t.tls()).isTrue();
        assertThat(resolver.calls("public.test")).isEqualTo(before + 1);
    }

    @Test
    void literalsAreNeverSentToTheResolver() {
        targets.check(URI.create("https://10.0.0.1/"));
        targets.check(URI.create("https://[::1]/"));
        targets.check(URI.create("https://999.1.1.1/"));
        assertThat(resolver.calls("10.0.0.1") + resolver.calls("::1") + resolver.calls("999.1.1.1")).isZero();
    }

    @Test
    void loopbackIsAllowedOnlyWhenTheOperatorSaysSoAndNothingElseWithIt() throws Exception {
        AddressPolicy demo = new AddressPolicy(true);
        assertThat(demo.refusal(InetAddress.getByName("127.0.0.1"))).isEmpty();
        assertThat(demo.refusal(InetAddress.getByName("::1"))).isEmpty();
        assertThat(demo.refusal(InetAddress.getByName("0.0.0.0"))).hasValue("unspecified");
        assertThat(demo.refusal(InetAddress.getByName("10.0.0.1"))).hasValue("private");
        assertThat(demo.refusal(InetAddress.getByName("169.254.169.254"))).hasValue("link_local");
        assertThat(new AddressPolicy(false).refusal(InetAddress.getByName("127.0.0.1"))).hasValue("loopback");
    }

    @Test
    void ipv4MappedAddressesBuiltByteForByteAreJudgedByTheirIpv4Address() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 169;
        mapped[13] = (byte) 254;
        mapped[14] = (byte) 169;
        mapped[15] = (byte) 254;
        InetAddress a = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(new AddressPolicy(false).refusal(a)).hasValue("link_local");
    }
}
