package dev.vmroutes.auth;

import dev.vmroutes.api.VmException;
import dev.vmroutes.config.ConfigException;
import dev.vmroutes.testing.JwtIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** JWTs checked against a real issuer on loopback: its discovery document, its keys, its claims. */
class JwtVerifierTest {

    static final JwtIssuer issuer = start();
    static final JwtVerifier verifier = new JwtVerifier(issuer.url(), List.of(JwtIssuer.AUDIENCE));

    static JwtIssuer start() {
        try {
            return new JwtIssuer();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    static void refused(String token, String reason) {
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(VmException.class, e -> {
            assertThat(e.kind()).isEqualTo(VmException.Kind.UNAUTHORIZED);
            assertThat(e.detail()).contains(reason).doesNotContain(token);
        });
    }

    @Test
    void aTokenOfTheIssuer_givesItsClaims() {
        Map<String, Object> claims = verifier.verify(issuer.token(Map.of("scope", "vm:read vm:deploy")));
        assertThat(claims).containsEntry("sub", "user-1").containsEntry("scope", "vm:read vm:deploy");
    }

    @Test
    void expiredWrongAudienceWrongIssuerBadSignatureAndUnsigned_areRefused() {
        Date past = Date.from(Instant.now().minusSeconds(600));
        refused(issuer.token(Map.of(), b -> b.expirationTime(past)), "xpired");
        refused(issuer.token(Map.of(), b -> b.audience("someone-else")), "aud");
        refused(issuer.token(Map.of(), b -> b.issuer("https://other.example")), "iss");
        refused(issuer.token(Map.of(), b -> b.notBeforeTime(Date.from(Instant.now().plusSeconds(600)))), "before");
        refused(issuer.forged(Map.of()), "ignature");
        refused(issuer.unsigned(Map.of()), "");
        refused("not.a.token", "");
    }

    @Test
    void anIssuerOverPlainHttp_isRefusedUnlessOnLoopback() {
        assertThatThrownBy(() -> new JwtVerifier("http://issuer.example.com", List.of("a"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("VM_JWT_ISSUER: must be an https:// URL");
        assertThatThrownBy(() -> new JwtVerifier(issuer.url(), List.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("VM_JWT_AUDIENCE");
    }

    @Test
    void anIssuerThatDoesNotAnswer_is503() {
        JwtVerifier gone = new JwtVerifier("http://127.0.0.1:1", List.of("a"));
        assertThatThrownBy(() -> gone.verify(issuer.token(Map.of()))).isInstanceOfSatisfying(VmException.class,
                e -> assertThat(e.kind()).isEqualTo(VmException.Kind.UNAVAILABLE));
    }
}
