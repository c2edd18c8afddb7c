package dev.vmroutes.docker;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an unencrypted private key from PEM with the JDK's own providers: PKCS#8
 * ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}), the
 * three forms openssl and the docker tooling write. The last two are wrapped into PKCS#8.
 */
final class PemKeys {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(?:[A-Za-z-]+:[^\\n]*\\n)*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");
    private static final byte[] RSA_ENCRYPTION = oid(0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01);
    private static final byte[] EC_PUBLIC_KEY = oid(0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01);
    private static final List<String> PKCS8_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

    private PemKeys() {
    }

    static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        Matcher block = BLOCK.matcher(pem);
        while (block.find()) {
            String type = block.group(1);
            if (block.group().contains("ENCRYPTED")) throw new InvalidKeySpecException("the private key is encrypted");
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(block.group(2));
            } catch (IllegalArgumentException e) {
                throw new InvalidKeySpecException("the " + type + " block is not base64");
            }
            switch (type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(der);
                }
                case "RSA PRIVATE KEY" -> {
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                            wrap(sequence(RSA_ENCRYPTION, new byte[]{0x05, 0x00}), der)));
                }
                case "EC PRIVATE KEY" -> {
                    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                            wrap(sequence(EC_PUBLIC_KEY, sec1Curve(der)), der)));
                }
                default -> {
                    // EC PARAMETERS and other blocks before the key
                }
            }
        }
        throw new InvalidKeySpecException("no unencrypted private key in PEM");
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        for (String algorithm : PKCS8_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException notThisOne) {
                // try the next algorithm
            }
        }
        throw new InvalidKeySpecException("unsupported PKCS#8 private key");
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, algorithm AlgorithmIdentifier, privateKey OCTET STRING }. */
    private static byte[] wrap(byte[] algorithmIdentifier, byte[] key) {
        return tlv(0x30, concat(new byte[]{0x02, 0x01, 0x00}, algorithmIdentifier, tlv(0x04, key)));
    }

    private static byte[] sequence(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    /** The curve OID (with its tag) from ECPrivateKey ::= SEQUENCE { 1, OCTET STRING, [0] curve OPTIONAL, [1] ... }. */
    private static byte[] sec1Curve(byte[] der) throws InvalidKeySpecException {
        Der outer = new Der(der, 0);
        if (outer.tag != 0x30) throw new InvalidKeySpecException("EC PRIVATE KEY is not a DER sequence");
        int at = outer.valueStart;
        while (at < outer.end) {
            Der field = new Der(der, at);
            if (field.tag == 0xA0) {
                Der curve = new Der(der, field.valueStart);
                if (curve.tag != 0x06) break;
                return java.util.Arrays.copyOfRange(der, field.valueStart, curve.end);
            }
            at = field.end;
        }
        throw new InvalidKeySpecException("EC PRIVATE KEY does not name its curve");
    }

    /** One DER tag-length-value at {@code offset}: where its value starts and where it ends. */
    private static final class Der {
        final int tag;
        final int valueStart;
        final int end;

        Der(byte[] der, int offset) throws InvalidKeySpecException {
            if (offset + 2 > der.length) throw new InvalidKeySpecException("truncated DER");
            tag = der[offset] & 0xFF;
            int first = der[offset + 1] & 0xFF;
            int length;
            int start = offset + 2;
            if (first < 0x80) {
                length = first;
            } else {
                int bytes = first & 0x7F;
                if (bytes == 0 || bytes > 3 || start + bytes > der.length) throw new InvalidKeySpecException("bad DER length");
                length = 0;
                for (int i = 0; i < bytes; i++) length = (length << 8) | (der[start + i] & 0xFF);
                start += bytes;
            }
            if (start + length > der.length) throw new InvalidKeySpecException("truncated DER");
            valueStart = start;
            end = start + length;
        }
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] oid(int... body) {
        byte[] value = new byte[body.length];
        for (int i = 0; i < body.length; i++) value[i] = (byte) body[i];
        return tlv(0x06, value);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) out.writeBytes(part);
        return out.toByteArray();
    }
}
