package dev.vmroutes.git;

import dev.vmroutes.api.RepoUrl;

import java.nio.file.Path;

/**
 * One branch of one repository and the credentials to read it, held in memory for one deploy.
 *
 * @param authToken  for https:// (sent as the password, never written anywhere)
 * @param sshKeyPath a key file inside the configured key directory
 * @param sshKey     a key read from a secret, never written to disk
 */
public record CloneSpec(RepoUrl repoUrl, String branch, String authToken, Path sshKeyPath, String sshKey) {

    @Override
    public String toString() {
        return "CloneSpec[" + repoUrl + " " + branch + "]";
    }
}
