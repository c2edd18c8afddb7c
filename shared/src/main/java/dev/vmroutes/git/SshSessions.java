package dev.vmroutes.git;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.internal.transport.sshd.OpenSshServerKeyDatabase;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.transport.sshd.agent.ConnectorFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * The SSH side of a clone: a session factory made for one clone, with the key from its file or,
 * from a secret, held in memory only; host keys checked against the configured known_hosts.
 */
final class SshSessions {

    private SshSessions() {
    }

    static SshdSessionFactory factory(Path knownHosts, Path keyPath, String keyText, Path home) {
        try {
            Files.createDirectories(home.resolve(".ssh"));
        } catch (IOException e) {
            throw new RepoCloner.CloneFailedException("cannot prepare SSH session: " + e.getMessage());
        }
        ServerKeyDatabase hostKeys = knownHosts == null ? new AcceptAnyHostKey()
                : new OpenSshServerKeyDatabase(false, List.of(knownHosts));
        SshdSessionFactoryBuilder builder = new SshdSessionFactoryBuilder()
                .setHomeDirectory(home.toFile())
                .setSshDirectory(home.resolve(".ssh").toFile())
                .setPreferredAuthentications("publickey")
                .setDefaultIdentities(ignored -> keyPath == null ? List.of() : List.of(keyPath))
                .setServerKeyDatabase((h, s) -> hostKeys)
                .setConnectorFactory((ConnectorFactory) null);
        if (keyText != null) {
            // A key from a secret replaces the identity files, so it never touches the disk.
            List<KeyPair> keysInMemory = parseKeys(keyText);
            builder.setDefaultKeysProvider(ignored -> keysInMemory);
        }
        return builder.build(null);
    }

    /** A private key given as text (from a secret): OpenSSH or PEM, without a passphrase. */
    private static List<KeyPair> parseKeys(String keyText) {
        try {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("ssh_key_secret"),
                    new ByteArrayInputStream(keyText.getBytes(StandardCharsets.UTF_8)), null);
            List<KeyPair> keys = new ArrayList<>();
            if (pairs != null) pairs.forEach(keys::add);
            if (keys.isEmpty()) throw new RepoCloner.CloneFailedException("the SSH key secret holds no private key");
            return keys;
        } catch (IOException | GeneralSecurityException e) {
            throw new RepoCloner.CloneFailedException("the SSH key secret is not a usable private key (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Used only when no known_hosts file is configured (VM_SSH_KNOWN_HOSTS unset). */
    private static final class AcceptAnyHostKey implements ServerKeyDatabase {
        @Override
        public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
            return List.of();
        }

        @Override
        public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
                              Configuration config, CredentialsProvider provider) {
            return true;
        }
    }

}
