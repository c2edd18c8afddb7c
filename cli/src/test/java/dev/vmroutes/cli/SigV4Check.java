package dev.vmroutes.cli;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * SigV4 written here from AWS's published algorithm ("Create a signed AWS API request"), to check
 * what vmr signs without trusting the SDK that signed it: the canonical request, the string to
 * sign, the derived key and the signature.
 */
final class SigV4Check {

    private SigV4Check() {
    }

    /** {@code headers}: every header of the request, names in any case; {@code signedHeaders}: lower case, ';'-joined. */
    static String signature(String secret, String method, String path, String query, Map<String, String> headers,
                            String signedHeaders, byte[] body, String amzDate, String region, String service) {
        Map<String, String> lower = new TreeMap<>();
        headers.forEach((name, value) -> lower.put(name.toLowerCase(), value.strip().replaceAll(" +", " ")));
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders.split(";")) canonicalHeaders.append(name).append(':').append(lower.get(name)).append('\n');
        String payloadHash = lower.getOrDefault("x-amz-content-sha256", hex(sha256(body)));
        String canonicalRequest = String.join("\n", method, canonicalPath(path), canonicalQuery(query),
                canonicalHeaders.toString(), signedHeaders, payloadHash);
        String date = amzDate.substring(0, 8);
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = String.join("\n", "AWS4-HMAC-SHA256", amzDate, scope, hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return hex(hmac(key, stringToSign));
    }

    /** Each segment URI-encoded (for services other than S3 the path is encoded once more, which leaves plain segments as they are). */
    static String canonicalPath(String path) {
        if (path.isEmpty()) return "/";
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) segments.add(encode(encode(URLDecoder.decode(segment, StandardCharsets.UTF_8))));
        return String.join("/", segments);
    }

    /** Parameters sorted by name, then value, each encoded. */
    static String canonicalQuery(String query) {
        if (query == null || query.isEmpty()) return "";
        List<String[]> pairs = new ArrayList<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            pairs.add(new String[]{encode(name), encode(value)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        return pairs.stream().map(p -> p[0] + "=" + p[1]).collect(Collectors.joining("&"));
    }

    /** RFC 3986: unreserved characters as they are, everything else %XX. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
