package dev.vmroutes.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretReferencesTest {

    static final String ENGINE_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:vm-routes/engine-tls-Ab12Cd";

    @Test
    void withoutAPrefix_secretsByReferenceAreOff() {
        assertThatThrownBy(() -> SecretReferences.OFF.check("auth_token_secret", "vm-routes/agents/token"))
                .hasMessageStartingWith("auth_token_secret: ").hasMessageContaining("VM_SECRET_PREFIX");
    }

    @Test
    void onlyNamesUnderThePrefix_andNeverTheEngineSecret() {
        SecretReferences references = new SecretReferences("vm-routes/", ENGINE_ARN);
        assertThat(references.check("auth_token_secret", "vm-routes/agents/token")).isEqualTo("vm-routes/agents/token");
        for (String refused : new String[]{"vm-routes/engine-tls", ENGINE_ARN, "other/token", "vm-routesX/token",
                "arn:aws:secretsmanager:eu-west-1:999999999999:secret:vm-routes/agents/token-Ab12Cd"}) {
            assertThatThrownBy(() -> references.check("ssh_key_secret", refused)).as(refused)
                    .hasMessageStartingWith("ssh_key_secret: ");
        }
    }

    @Test
    void nameOf_dropsTheArnAndItsRandomSuffix() {
        assertThat(SecretReferences.nameOf(ENGINE_ARN)).isEqualTo("vm-routes/engine-tls");
        assertThat(SecretReferences.nameOf("plain/name")).isEqualTo("plain/name");
    }
}
