package dev.vmroutes.api;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditRequestTest {

    @Test
    void everyParameter_isOptional_withALimitOf20() {
        assertThat(AuditRequest.parse(null, null, null)).isEqualTo(new AuditRequest(null, null, 20));
    }

    @Test
    void sinceIsAnInstant_withOrWithoutOffset() {
        assertThat(AuditRequest.parse("black-demo", "2025-10-01T10:30:00Z", "100"))
                .isEqualTo(new AuditRequest("black-demo", Instant.parse("2025-10-01T10:30:00Z"), 100));
        assertThat(AuditRequest.parse(null, "2025-10-01T12:30:00+02:00", "1").since()).isEqualTo(Instant.parse("2025-10-01T10:30:00Z"));
    }

    @Test
    void badValues_are400NamingTheParameter() {
        for (String[] bad : new String[][]{{"-x", null, null, "agent_name"}, {"", null, null, "agent_name"},
                {"a/b", null, null, "agent_name"}, {null, "yesterday", null, "since"}, {null, "2025-10-01", null, "since"},
                {null, null, "0", "limit"}, {null, null, "101", "limit"}, {null, null, "ten", "limit"}}) {
            assertThatThrownBy(() -> AuditRequest.parse(bad[0], bad[1], bad[2])).as(java.util.Arrays.toString(bad))
                    .isInstanceOfSatisfying(VmException.class, e -> {
                        assertThat(e.kind()).isEqualTo(VmException.Kind.INVALID);
                        assertThat(e.detail()).startsWith(bad[3] + ": ");
                    });
        }
    }
}
