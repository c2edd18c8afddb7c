package dev.vmroutes.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A scope is named as the API spells it, or as a Cognito resource server with identifier vm spells it. */
class ScopeTest {

    @Test
    void of_readsBothSpellings_andNothingElse() {
        for (Scope scope : Scope.values()) {
            assertThat(Scope.of(scope.text())).contains(scope);
            assertThat(Scope.of(scope.cognitoText())).contains(scope);
        }
        assertThat(Scope.of("vm/read")).contains(Scope.READ);
        assertThat(Scope.of("vm.read")).isEmpty();
        assertThat(Scope.of("other/read")).isEmpty();
        assertThat(Scope.of("read")).isEmpty();
    }
}
