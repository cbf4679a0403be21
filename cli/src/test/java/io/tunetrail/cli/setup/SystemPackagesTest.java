package io.tunetrail.cli.setup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SystemPackagesTest {

    @Test
    void onlyPackagesDpkgCallsInstalledCount() {
        List<String> lines = List.of(
                "redis-server installed",
                "postgresql-15 config-files",
                "gcc:amd64 installed",
                "dpkg-query: no packages found matching make");
        assertThat(SystemPackages.missingFrom(List.of("redis-server", "postgresql-15", "gcc", "make"), lines))
                .containsExactly("postgresql-15", "make");
    }

    @Test
    void buildToolsAreWantedOnlyWhenPgvectorMustBeBuilt() {
        assertThat(SystemPackages.wanted(false)).containsExactly("redis-server", "postgresql-15", "postgresql-server-dev-15",
                "ffmpeg", "sox", "espeak-ng", "chromium", "chromium-driver", "python3-jpype", "python3-pandas", "python3-matplotlib",
                "python3-nbclient", "python3-ipykernel", "python3-nbconvert");
        assertThat(SystemPackages.wanted(true)).contains("make", "gcc", "dpkg-dev").startsWith("redis-server");
    }

    @Test
    void debianUbuntuAndDerivativesAreRecognised() {
        assertThat(SystemPackages.isDebianLike("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n")).isTrue();
        assertThat(SystemPackages.isDebianLike("ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n")).isTrue();
        assertThat(SystemPackages.isDebianLike("ID=\"fedora\"\n")).isFalse();
        assertThat(SystemPackages.isDebianLike(null)).isFalse();
    }
}
