package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The OpenAPI 3.1 document of every route, as shipped in the artifact; the integration tests hold every answer to it. */
public final class OpenApiDocument {

    public static final String RESOURCE = "/api/openapi.json";
    private static volatile JsonNode document;

    private OpenApiDocument() {
    }

    public static JsonNode get() {
        JsonNode read = document;
        if (read == null) {
            try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
                if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the artifact");
                read = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            document = read;
        }
        return read;
    }
}
