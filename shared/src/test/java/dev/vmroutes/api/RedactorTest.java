package dev.vmroutes.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedactorTest {

    @Test
    void redact_knownSecret_isMaskedEverywhere() {
        assertThat(Redactor.of(List.of("s3cr3t")).redact("token s3cr3t and again s3cr3t"))
                .isEqualTo("token [REDACTED] and again [REDACTED]");
    }

    @Test
    void redact_urlUserinfo_isMasked() {
        assertThat(Redactor.none().redact("fetch https://user:pw@host/x failed"))
                .isEqualTo("fetch https://[REDACTED]@host/x failed");
    }

    @Test
    void redact_pemPrivateKey_isMasked() {
        String text = "key: -----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY----- done";
        assertThat(Redactor.none().redact(text)).isEqualTo("key: [REDACTED] done");
    }

    @Test
    void redact_authorizationHeader_isMasked() {
        assertThat(Redactor.none().redact("Authorization: Basic dXNlcjpwdw==")).isEqualTo("Authorization: Basic [REDACTED]");
    }
}
