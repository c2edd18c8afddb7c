package dev.vmroutes.api;

/**
 * Which secrets a request may name ({@code auth_token_secret}, {@code ssh_key_secret}): only
 * secret names under the configured prefix, in the functions' own account. A secret's value is
 * sent to the repository's server, so a caller must never be able to name another secret the
 * functions can read, least of all the engine's TLS key.
 *
 * @param prefix       the names requests may use start with it; null: secrets by reference are off
 * @param engineSecret the engine's TLS secret (name or ARN), refused whatever the prefix; may be null
 */
public record SecretReferences(String prefix, String engineSecret) {

    public static final SecretReferences OFF = new SecretReferences(null, null);

    /** The id, when a request may read it; otherwise 400 naming the field, before anything is read. */
    public String check(String field, String id) {
        if (prefix == null || prefix.isBlank()) {
            throw VmException.invalid(field, "secrets by reference are off on this server (VM_SECRET_PREFIX is not set)");
        }
        if (id.startsWith("arn:")) {
            // A name resolves in the functions' own account and region; an ARN could point anywhere.
            throw VmException.invalid(field, "must be a secret name under " + prefix + ", not an ARN");
        }
        if (!id.startsWith(prefix)) throw VmException.invalid(field, "must be a secret name under " + prefix);
        if (engineSecret != null && (id.equals(engineSecret) || id.equals(nameOf(engineSecret)))) {
            throw VmException.invalid(field, "must not name the engine's TLS secret");
        }
        return id;
    }

    /** A secret's name from its ARN ({@code arn:aws:secretsmanager:region:account:secret:NAME-abcdef}); a name stays itself. */
    static String nameOf(String secret) {
        int at = secret.indexOf(":secret:");
        if (!secret.startsWith("arn:") || at < 0) return secret;
        String name = secret.substring(at + ":secret:".length());
        // Secrets Manager ends every ARN with a hyphen and six random characters.
        return name.matches(".*-[A-Za-z0-9]{6}$") ? name.substring(0, name.length() - 7) : name;
    }
}
