package dev.vmroutes.docker;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each private-key form openssl writes is read, and the key read signs what its public key verifies. */
class PemKeysTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} written as {1}")
    @CsvSource({
            "RSA,     pkcs8,  PRIVATE KEY",
            "RSA,     traditional, RSA PRIVATE KEY",
            "EC,      pkcs8,  PRIVATE KEY",
            "EC,      traditional, EC PRIVATE KEY",
            "ED25519, pkcs8,  PRIVATE KEY"})
    void privateKey_eachOpensslForm_signsForItsPublicKey(String algorithm, String form, String pemType) throws Exception {
        Path key = dir.resolve("key.pem");
        List<String> generate = new ArrayList<>(List.of("openssl", "genpkey", "-algorithm", algorithm, "-out", key.toString()));
        if (algorithm.equals("EC")) generate.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
        if (algorithm.equals("RSA")) generate.addAll(List.of("-pkeyopt", "rsa_keygen_bits:2048"));
        run(generate);
        Path written = dir.resolve("written.pem");
        String kind = algorithm.equals("RSA") ? "rsa" : algorithm.equals("EC") ? "ec" : "pkey";
        run(form.equals("traditional")
                // openssl ec writes SEC1 unless told otherwise; openssl rsa needs -traditional for PKCS#1
                ? kind.equals("rsa")
                    ? List.of("openssl", "rsa", "-in", key.toString(), "-traditional", "-out", written.toString())
                    : List.of("openssl", "ec", "-in", key.toString(), "-out", written.toString())
                : List.of("openssl", "pkey", "-in", key.toString(), "-out", written.toString()));
        Path pub = dir.resolve("pub.pem");
        run(List.of("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString()));

        String pem = Files.readString(written);
        assertThat(pem).contains("-----BEGIN " + pemType + "-----");
        PrivateKey parsed = PemKeys.privateKey(pem);

        String signatureAlgorithm = switch (algorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> "Ed25519";
        };
        Signature signer = Signature.getInstance(signatureAlgorithm);
        signer.initSign(parsed);
        signer.update("vm-routes".getBytes());
        byte[] signature = signer.sign();
        String pubPem = Files.readString(pub).replaceAll("-----[A-Z ]+-----|\\s", "");
        var publicKey = KeyFactory.getInstance(parsed.getAlgorithm().equals("EdDSA") ? "Ed25519" : parsed.getAlgorithm())
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(pubPem)));
        Signature verifier = Signature.getInstance(signatureAlgorithm);
        verifier.initVerify(publicKey);
        verifier.update("vm-routes".getBytes());
        assertThat(verifier.verify(signature)).isTrue();
    }

    @Test
    void privateKey_encryptedKey_isRefusedAsEncrypted() throws Exception {
        Path key = dir.resolve("key.pem");
        run(List.of("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-aes256", "-pass", "pass:secret", "-out", key.toString()));
        assertThatThrownBy(() -> PemKeys.privateKey(Files.readString(key)))
                .isInstanceOf(InvalidKeySpecException.class).hasMessageContaining("encrypted");
    }

    @Test
    void privateKey_certificateOnly_isRefused() {
        assertThatThrownBy(() -> PemKeys.privateKey("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
                .isInstanceOf(InvalidKeySpecException.class).hasMessageContaining("no unencrypted private key");
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
    }
}
