package dev.vmroutes.auth;

import dev.vmroutes.api.VmException;
import dev.vmroutes.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Claims, named tokens and IAM principals read as callers. */
class CredentialsTest {

    @Test
    void scopesComeFromScopeOrScp_andTheGatewaysArraysAsText() {
        Caller spaced = TokenClaims.caller(Map.of("sub", "u", "scope", "vm:read vm:stop openid"), null, "vm_agents", "1.2.3.4", "r");
        assertThat(spaced.scopes()).containsExactlyInAnyOrder(Scope.READ, Scope.STOP);
        assertThat(spaced.limited()).isFalse();
        Caller array = TokenClaims.caller(Map.of("sub", "u", "scp", List.of("vm:deploy"), "vm_agents", List.of("team-a-")), null, "vm_agents", null, null);
        assertThat(array.scopes()).containsExactly(Scope.DEPLOY);
        assertThat(array.agentPrefixes()).containsExactly("team-a-");
        // API Gateway hands a JWT's array claims to the function as "[a b]".
        Caller gateway = TokenClaims.caller(Map.of("sub", "u", "client_id", "ci", "scp", "[vm:read vm:admin]", "vm_agents", "[team-a- team-c-]"),
                List.of("vm:read"), "vm_agents", null, null);
        assertThat(gateway.scopes()).containsExactlyInAnyOrder(Scope.READ, Scope.ADMIN);
        assertThat(gateway.agentPrefixes()).containsExactly("team-a-", "team-c-");
        assertThat(gateway.principal()).isEqualTo("jwt:u (client ci)");
        assertThat(TokenClaims.caller(Map.of("vm_agents", "[]"), null, "vm_agents", null, null).agentPrefixes()).isEmpty();
    }

    @Test
    void aNamespace_hidesOtherAgents_andTheirContainers() {
        Caller teamA = new Caller("t", java.util.Set.of(Scope.READ), List.of("team-a-"), null, null);
        assertThat(teamA.mayAccess("team-a-bot")).isTrue();
        assertThat(teamA.mayAccess("team-b-bot")).isFalse();
        assertThat(teamA.mayAccessContainer("jules-agent-team-a-bot-1700000000")).isTrue();
        assertThat(teamA.mayAccessContainer("jules-agent-team-b-bot-1700000000")).isFalse();
        assertThat(teamA.mayAccessContainer("postgres")).isFalse();
        assertThatThrownBy(() -> teamA.requireAgent("team-b-bot")).isInstanceOfSatisfying(VmException.class,
                e -> assertThat(e.kind()).isEqualTo(VmException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> teamA.require(Scope.DEPLOY)).isInstanceOfSatisfying(VmException.class, e -> {
            assertThat(e.kind()).isEqualTo(VmException.Kind.FORBIDDEN);
            assertThat(e.detail()).contains("vm:deploy");
        });
    }

    @Test
    void namedTokens_areKeptAsHashes_andCarryTheirScopesAndPrefixes(@TempDir Path dir) throws Exception {
        String hash = HexFormat.of().formatHex(LocalTokens.sha256("ci-token-0123456789"));
        Path file = dir.resolve("tokens.json");
        Files.writeString(file, """
                {"tokens": [{"name": "ci", "sha256": "%s", "scopes": ["vm:read", "vm:deploy"], "agents": ["team-a-"]}]}
                """.formatted(hash));
        LocalTokens tokens = LocalTokens.of(null, file);
        Caller ci = tokens.caller("ci-token-0123456789", "127.0.0.1", "r").orElseThrow();
        assertThat(ci.principal()).isEqualTo("token:ci");
        assertThat(ci.scopes()).containsExactlyInAnyOrder(Scope.READ, Scope.DEPLOY);
        assertThat(ci.agentPrefixes()).containsExactly("team-a-");
        assertThat(tokens.caller("ci-token-012345678", null, null)).isEmpty();
        assertThat(Files.readString(file)).doesNotContain("ci-token");

        Files.writeString(file, "{\"tokens\": [{\"name\": \"ci\", \"sha256\": \"abc\", \"scopes\": []}]}");
        assertThatThrownBy(() -> LocalTokens.of(null, file)).isInstanceOf(ConfigException.class).hasMessageContaining("tokens[0].sha256");
        Files.writeString(file, "{\"tokens\": [{\"name\": \"ci\", \"sha256\": \"%s\", \"scopes\": [\"vm:everything\"]}]}".formatted(hash));
        assertThatThrownBy(() -> LocalTokens.of(null, file)).isInstanceOf(ConfigException.class).hasMessageContaining("tokens[0].scopes");
    }

    @Test
    void iamPrincipals_takeTheirRolesEntry_andOthersGetNoScope() {
        AtomicInteger reads = new AtomicInteger();
        IamPrincipals principals = new IamPrincipals("mapping", name -> {
            reads.incrementAndGet();
            return "{\"arn:aws:iam::123456789012:role/ci\": {\"scopes\": [\"vm:read\"], \"agents\": [\"team-a-\"]}}";
        }, Clock.systemUTC());
        Caller session = principals.caller("arn:aws:sts::123456789012:assumed-role/ci/build-7", "10.0.0.1", "r");
        assertThat(session.scopes()).containsExactly(Scope.READ);
        assertThat(session.agentPrefixes()).containsExactly("team-a-");
        assertThat(session.principal()).isEqualTo("arn:aws:sts::123456789012:assumed-role/ci/build-7");
        assertThat(principals.caller("arn:aws:iam::123456789012:user/someone", null, null).scopes()).isEmpty();
        assertThat(reads).hasValue(1);
    }

    @Test
    void withoutAnyCredentialConfigured_theLocalCallerMayDoEverything_butWithOneATokenIsNeeded() {
        Authenticator open = Authenticator.fromEnvironment(Map.of(), s -> null);
        assertThat(open.local(null, "127.0.0.1", "r").scopes()).containsExactlyInAnyOrder(Scope.values());
        Authenticator single = Authenticator.fromEnvironment(Map.of("VM_API_TOKEN", "the-token-123"), s -> null);
        assertThat(single.local("Bearer the-token-123", null, null).scopes()).containsExactlyInAnyOrder(Scope.values());
        for (String wrong : new String[]{null, "Bearer", "Bearer the-token-12", "the-token-123", "Basic the-token-123"}) {
            assertThatThrownBy(() -> single.local(wrong, null, null)).as(wrong).isInstanceOfSatisfying(VmException.class,
                    e -> assertThat(e.kind()).isEqualTo(VmException.Kind.UNAUTHORIZED));
        }
        assertThatThrownBy(() -> single.gateway(null, null, null)).isInstanceOfSatisfying(VmException.class,
                e -> assertThat(e.kind()).isEqualTo(VmException.Kind.UNAUTHORIZED));
    }
}
