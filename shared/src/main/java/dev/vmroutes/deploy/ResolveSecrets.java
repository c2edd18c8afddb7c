package dev.vmroutes.deploy;

import dev.vmroutes.api.DeployRequest;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.VmException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * Reads the secrets a request names into memory. It runs before anything is made, so a secret
 * that cannot be read is the caller's mistake, named by its field.
 */
record ResolveSecrets(Function<String, String> secrets) {

    private static final Logger LOG = LoggerFactory.getLogger(ResolveSecrets.class);

    DeployRequest resolve(DeployRequest request) {
        if (request.authTokenSecret() == null && request.sshKeySecret() == null) return request;
        String token = request.authTokenSecret() == null ? request.authToken() : read("auth_token_secret", request.authTokenSecret());
        String key = request.sshKeySecret() == null ? null : read("ssh_key_secret", request.sshKeySecret());
        return request.withSecrets(token, key);
    }

    private String read(String field, String secretId) {
        String value;
        try {
            value = secrets.apply(secretId);
        } catch (SdkClientException | SdkServiceException e) {
            // Secrets Manager failing is not the caller's mistake: unreachable, throttling or its own error.
            if (e instanceof SdkClientException || ((SdkServiceException) e).statusCode() >= 500
                    || ((SdkServiceException) e).isThrottlingException()) {
                throw VmException.unavailable("Secrets Manager", "reading " + field + " " + secretId + " failed: "
                        + Redactor.describe(e), e);
            }
            LOG.warn("cannot read secret {} for {}: {}", secretId, field, Redactor.describe(e));
            throw VmException.invalid(field, "secret " + secretId + " cannot be read");
        } catch (RuntimeException e) {
            LOG.warn("cannot read secret {} for {}: {}", secretId, field, Redactor.describe(e));
            throw VmException.invalid(field, "secret " + secretId + " cannot be read");
        }
        if (value == null || value.isBlank()) throw VmException.invalid(field, "secret " + secretId + " is empty");
        return value.strip();
    }
}
