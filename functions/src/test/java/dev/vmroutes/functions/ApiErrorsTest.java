package dev.vmroutes.functions;

import dev.vmroutes.api.VmException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one mapper from failures to answers. */
class ApiErrorsTest {

    @Test
    void unavailable_is503WithRetryAfter_andEveryKindHasItsStatus() {
        var answer = ApiErrors.answer(VmException.unavailable("deployment table", "throttled", null));
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("5");
        assertThat(answer.getBody()).containsEntry("detail", "deployment table unavailable: throttled");
        assertThat(ApiErrors.answer(VmException.invalid("tail", "bad")).getStatusCode().value()).isEqualTo(400);
        assertThat(ApiErrors.answer(VmException.notFound("x")).getStatusCode().value()).isEqualTo(404);
        assertThat(ApiErrors.answer(VmException.conflict("x")).getStatusCode().value()).isEqualTo(409);
        assertThat(ApiErrors.answer(VmException.deployFailed("ready", "x")).getStatusCode().value()).isEqualTo(502);
        assertThat(ApiErrors.answer(new IllegalStateException("secret stack")).getBody()).containsEntry("detail", "internal error");
    }
}
