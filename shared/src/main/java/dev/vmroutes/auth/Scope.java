package dev.vmroutes.auth;

import java.util.Arrays;
import java.util.Optional;

/** What a credential allows. Each route needs one; {@link #ADMIN} is also needed for what can hurt the host. */
public enum Scope {
    /** list, health, logs, deployments, a deployment's build log, the audit trail, the OpenAPI document, the caller itself */
    READ("vm:read"),
    /** deploy, rollback, batch deploy, cancel */
    DEPLOY("vm:deploy"),
    /** stop, batch stop */
    STOP("vm:stop"),
    /** run_as_root, remove_volumes */
    ADMIN("vm:admin");

    private final String text;

    Scope(String text) {
        this.text = text;
    }

    /** As credentials and the gateway spell it: {@code vm:read}. */
    public String text() {
        return text;
    }

    /** The scope {@code text} names: {@code vm:read}, or as a Cognito resource server spells it, {@code vm/read}. */
    public static Optional<Scope> of(String text) {
        return Arrays.stream(values()).filter(s -> s.text.equals(text) || s.cognitoText().equals(text)).findFirst();
    }

    /** As the template's Cognito resource server (identifier {@code vm}) names it: {@code vm/read}. */
    public String cognitoText() {
        return text.replace(':', '/');
    }

    @Override
    public String toString() {
        return text;
    }
}
