package dev.vmroutes.functions.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.auth.LocalTokens;
import dev.vmroutes.testing.JwtIssuer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The credentials the authorization tests present: a JWT issuer on loopback and a tokens file. */
final class Credentials {

    static final ObjectMapper JSON = new ObjectMapper();

    private Credentials() {
    }

    static JwtIssuer issuer() {
        try {
            return new JwtIssuer();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode entry(String token, List<String> scopes, List<String> agents) {
        ObjectNode entry = JSON.createObjectNode().put("sha256", HexFormat.of().formatHex(LocalTokens.sha256(token)));
        scopes.forEach(entry.putArray("scopes")::add);
        if (agents != null) agents.forEach(entry.putArray("agents")::add);
        return entry;
    }

    static Path tokensFile(Map<String, ObjectNode> entries) {
        ObjectNode root = JSON.createObjectNode();
        var tokens = root.putArray("tokens");
        entries.forEach((name, entry) -> tokens.add(entry.deepCopy().put("name", name)));
        try {
            Path file = Files.createTempFile("vm-routes-tokens-", ".json");
            file.toFile().deleteOnExit();
            Files.writeString(file, root.toString());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
