package dev.vmroutes.testing;

import org.eclipse.jgit.junit.ssh.SshTestGitServer;
import org.eclipse.jgit.lib.Repository;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.TimeUnit;

/**
 * JGit's SSH test server for one repository, accepting only the public half of a key made with
 * ssh-keygen for the test. The private key file lives in {@code keyDir}.
 */
public final class KeyGitServer implements AutoCloseable {

    public static final String USER = "git";

    private final SshTestGitServer server;
    private final int port;
    private final Path privateKey;

    public KeyGitServer(Repository repository, Path keyDir) throws Exception {
        privateKey = generateKey(keyDir, "deploy_key");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair hostKey = generator.generateKeyPair();
        server = new SshTestGitServer(USER, privateKey.resolveSibling("deploy_key.pub"), repository, hostKey);
        port = server.start();
    }

    /** Makes an ed25519 key pair without a passphrase: {@code name} and {@code name.pub}. */
    public static Path generateKey(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        Path key = dir.resolve(name);
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "vm-routes-test", "-f", key.toString())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("ssh-keygen failed: " + new String(p.getInputStream().readAllBytes()));
        }
        return key;
    }

    public Path privateKey() {
        return privateKey;
    }

    public String url() {
        return "ssh://" + USER + "@127.0.0.1:" + port + "/repo.git";
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
