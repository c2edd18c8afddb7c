package dev.vmroutes.api;

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
}
