package dev.vmroutes.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class HealthRequestTest {

    @ParameterizedTest
    @ValueSource(strings = {"/health", "/", "/api/v1/status?verbose=1", "/a-b_c.d~e"})
    void isPlainPath_plainAbsolutePaths_areAccepted(String path) {
        assertThat(HealthRequest.isPlainPath(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"health", "http://evil/", "//evil.com/x", "/../etc", "/a/%2e%2e/b", "/@evil", "/a\\b",
            "/a\nb", "/a b", "", "/x%00"})
    void isPlainPath_anythingElse_isRefused(String path) {
        assertThat(HealthRequest.isPlainPath(path)).isFalse();
    }

    @Test
    void fromQuery_keepsThePathsEncoding_andDecodesAnEncodedValueOnce() {
        assertThat(HealthRequest.fromQuery("jules-agent-a-1", "path=/a?b=c%26d").path()).isEqualTo("/a?b=c%26d");
        assertThat(HealthRequest.fromQuery("jules-agent-a-1", "path=%2Fstatus%3Fv%3D1").path()).isEqualTo("/status?v=1");
        assertThat(HealthRequest.fromQuery("jules-agent-a-1", "other=1").path()).isEqualTo("/health");
        assertThat(HealthRequest.fromQuery("jules-agent-a-1", null).path()).isEqualTo("/health");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HealthRequest.fromQuery("jules-agent-a-1", "path=/a&path=/b"))
                .hasMessageStartingWith("path: ");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HealthRequest.fromQuery("jules-agent-a-1", "path=%2F..%2Fx"))
                .hasMessageStartingWith("path: ");
    }
}
