package dev.vmroutes.functions;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract check is not vacuous: a field the document does not know, or one it requires and is missing, fails it. */
class OpenApiContractTest {

    static final String STOPPED = "{\"stopped\": \"jules-agent-a-1\", \"removed\": true}";

    @Test
    void aBodyAsDocumented_passes() {
        assertThatCode(() -> OpenApiContract.check("POST", "/api/v1/vm/stop", 200, STOPPED)).doesNotThrowAnyException();
        assertThatCode(() -> OpenApiContract.check("GET", "/api/v1/vm/health/jules-agent-a-1?path=/x", 404, "{\"detail\": \"no\"}"))
                .doesNotThrowAnyException();
    }

    @Test
    void anUndocumentedField_aMissingOne_orAnUndocumentedRoute_fails() {
        assertThatThrownBy(() -> OpenApiContract.check("POST", "/api/v1/vm/stop", 200,
                "{\"stopped\": \"jules-agent-a-1\", \"removed\": true, \"extra\": 1}")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> OpenApiContract.check("POST", "/api/v1/vm/stop", 200, "{\"removed\": true}"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> OpenApiContract.check("GET", "/api/v1/vm/list", 200, "[{\"container_name\": \"x\"}]"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> OpenApiContract.check("GET", "/api/v1/vm/nowhere", 200, "{}")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> OpenApiContract.check("POST", "/api/v1/vm/deploy", 502, "{\"error\": \"x\"}"))
                .isInstanceOf(AssertionError.class);
    }
}
