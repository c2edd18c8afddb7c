package dev.vmroutes.api;

/**
 * A repository address that passed the policy.
 *
 * @param url    the address as given (no credentials inside)
 * @param ssh    true for {@code ssh://} and {@code user@host:path}
 * @param host   the host name or address literal
 */
public record RepoUrl(String url, boolean ssh, String host) {

    @Override
    public String toString() {
        return url;
    }
}
