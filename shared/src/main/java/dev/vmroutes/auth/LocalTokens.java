package dev.vmroutes.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.config.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The local server's bearer tokens: {@code VM_API_TOKEN} (every scope, every agent) and the named
 * tokens of {@code VM_API_TOKENS_FILE}, kept only as SHA-256 hashes:
 * <pre>{"tokens": [{"name": "ci", "sha256": "&lt;hex&gt;", "scopes": ["vm:read", "vm:deploy"], "agents": ["team-a-"]}]}</pre>
 * Tokens are long random strings, so an unsalted hash is enough to keep the file from giving them away.
 */
public final class LocalTokens {

    private record Named(String name, byte[] sha256, Grant grant) {
    }

    private final byte[] apiTokenHash;
    private final List<Named> named;

    private LocalTokens(byte[] apiTokenHash, List<Named> named) {
        this.apiTokenHash = apiTokenHash;
        this.named = named;
    }

    public static LocalTokens of(String apiToken, Path tokensFile) {
        byte[] single = apiToken == null || apiToken.isBlank() ? null : sha256(apiToken.strip());
        return new LocalTokens(single, tokensFile == null ? List.of() : read(tokensFile));
    }

    public boolean any() {
        return apiTokenHash != null || !named.isEmpty();
    }

    /** The caller this token is, if it is one of ours; every entry is compared, in constant time. */
    public Optional<Caller> caller(String token, String sourceIp, String requestId) {
        byte[] hash = sha256(token);
        Caller found = null;
        if (apiTokenHash != null && MessageDigest.isEqual(apiTokenHash, hash)) {
            found = Caller.unrestricted("token:VM_API_TOKEN", sourceIp, requestId);
        }
        for (Named entry : named) {
            if (MessageDigest.isEqual(entry.sha256(), hash) && found == null) {
                found = entry.grant().caller("token:" + entry.name(), sourceIp, requestId);
            }
        }
        return Optional.ofNullable(found);
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Named> read(Path file) {
        String where = "VM_API_TOKENS_FILE";
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(where + ": cannot read " + file + " as JSON (" + e.getClass().getSimpleName() + ")");
        }
        JsonNode tokens = root == null ? null : root.get("tokens");
        if (tokens == null || !tokens.isArray()) throw new ConfigException(where + ": must hold {\"tokens\": [...]}");
        List<Named> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            JsonNode entry = tokens.get(i);
            String at = where + ": tokens[" + i + "]";
            String name = entry.path("name").asText("");
            if (!name.matches("[A-Za-z0-9_.@-]{1,64}")) throw new ConfigException(at + ".name: 1 to 64 letters, digits, '_', '.', '@', '-'");
            if (!names.add(name)) throw new ConfigException(at + ".name: " + name + " is given twice");
            String hex = entry.path("sha256").asText("");
            if (!hex.matches("[0-9a-fA-F]{64}")) throw new ConfigException(at + ".sha256: must be the token's SHA-256 in hex (64 digits)");
            out.add(new Named(name, HexFormat.of().parseHex(hex.toLowerCase()), Grant.parse(entry, at)));
        }
        return List.copyOf(out);
    }
}
