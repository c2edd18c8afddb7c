package dev.vmroutes.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepoUrlPolicyTest {

    private static InetAddress[] publicAddress(String host) {
        try {
            return new InetAddress[]{InetAddress.getByAddress(host, new byte[]{(byte) 140, 82, 112, 3})};
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private final RepoUrlPolicy policy = new RepoUrlPolicy(Set.of("git.internal"), RepoUrlPolicy::resolveAll);

    @ParameterizedTest
    @ValueSource(strings = {"https://github.com/psf/black", "ssh://git@github.com/psf/black.git", "git@github.com:psf/black.git"})
    void check_publicHttpsAndSshForms_areAccepted(String url) {
        assertThat(new RepoUrlPolicy(Set.of(), RepoUrlPolicyTest::publicAddress).check(url).url()).isEqualTo(url);
    }

    @Test
    void check_sshForms_areMarkedSsh() {
        RepoUrlPolicy p = new RepoUrlPolicy(Set.of(), RepoUrlPolicyTest::publicAddress);
        assertThat(p.check("git@github.com:psf/black.git").ssh()).isTrue();
        assertThat(p.check("https://github.com/psf/black").ssh()).isFalse();
    }

    @Test
    void check_nameResolvingToLoopback_isRefused() {
        assertThatThrownBy(() -> policy.check("https://localhost/x.git")).hasMessageContaining("non-public");
    }

    @Test
    void check_allowedHost_skipsResolutionAndAllowsHttp() {
        AtomicInteger lookups = new AtomicInteger();
        RepoUrlPolicy p = new RepoUrlPolicy(Set.of("git.internal"), h -> {
            lookups.incrementAndGet();
            return new InetAddress[0];
        });
        assertThat(p.check("http://git.internal:8080/a.git").host()).isEqualTo("git.internal");
        assertThat(lookups).hasValue(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
            "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"})
    void isPublic_privateAndSpecialAddresses_areNot(String address) throws Exception {
        assertThat(RepoUrlPolicy.isPublic(InetAddress.getByName(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"140.82.112.3", "8.8.8.8", "2606:4700::1111"})
    void isPublic_publicAddresses_are(String address) throws Exception {
        assertThat(RepoUrlPolicy.isPublic(InetAddress.getByName(address))).isTrue();
    }
}
