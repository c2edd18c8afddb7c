package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipFile;

import static dev.vmroutes.functions.CloudFormationTemplate.JSON;
import static dev.vmroutes.functions.CloudFormationTemplate.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

/** template.yaml is valid SAM, names handlers that exist in the built artifact, and routes exactly what the app serves. */
class TemplateIT {

    /** The routes the application serves, as {@code METHOD path}, from the controller's mappings. */
    static Set<String> servedRoutes() {
        Set<String> served = new HashSet<>();
        String prefix = VmController.class.getAnnotation(RequestMapping.class).value()[0];
        for (Method m : VmController.class.getDeclaredMethods()) {
            if (m.isAnnotationPresent(GetMapping.class)) served.add("GET " + prefix + m.getAnnotation(GetMapping.class).value()[0]);
            if (m.isAnnotationPresent(PostMapping.class)) served.add("POST " + prefix + m.getAnnotation(PostMapping.class).value()[0]);
            if (m.isAnnotationPresent(DeleteMapping.class)) served.add("DELETE " + prefix + m.getAnnotation(DeleteMapping.class).value()[0]);
        }
        return served;
    }

    @Test
    void template_validatesAgainstTheSamSchema() throws Exception {
        JsonNode schemaNode;
        // AWS SAM's published JSON schema, copied on 2026-11-27 (see docs/README.md).
        try (InputStream in = TemplateIT.class.getResourceAsStream("/sam.schema.json")) {
            assertThat(in).as("sam.schema.json on the test class path").isNotNull();
            schemaNode = JSON.readTree(in);
        }
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schemaNode);
        // The schema takes each resource as an object with a Type, and so refuses an Fn::ForEach::Name key (its value
        // is a list): the template is validated as SAM's transform receives it, after AWS::LanguageExtensions.
        Set<ValidationMessage> errors = schema.validate(CloudFormationTemplate.load());
        assertThat(errors).isEmpty();
    }

    @Test
    void template_handlers_existInTheLambdaArtifact() throws Exception {
        JsonNode template = CloudFormationTemplate.load();
        Path zip = ROOT.resolve(template.at("/Globals/Function/CodeUri").asText());
        assertThat(zip).exists();
        Set<String> handlers = new TreeSet<>();
        template.get("Resources").fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                handlers.add(r.getValue().at("/Properties/Handler").asText());
            }
        });
        assertThat(handlers).hasSize(22);
        try (ZipFile artifact = new ZipFile(zip.toFile())) {
            for (String handler : handlers) {
                String className = handler.substring(0, handler.indexOf("::"));
                assertThat(artifact.getEntry(className.replace('.', '/') + ".class")).as(handler).isNotNull();
                Class<?> type = Class.forName(className);
                String method = handler.substring(handler.indexOf("::") + 2);
                assertThat(List.of(type.getMethods()).stream().map(Method::getName)).as(handler).contains(method);
            }
            assertThat(artifact.stream().map(e -> e.getName()).filter(n -> n.contains("tomcat"))).isEmpty();
        }
    }

    @Test
    void lambdaArtifact_leavesOutWhatNoFunctionUses_andStaysUnder40MB() throws Exception {
        Path zip = ROOT.resolve(CloudFormationTemplate.load().at("/Globals/Function/CodeUri").asText());
        try (ZipFile artifact = new ZipFile(zip.toFile())) {
            assertThat(artifact.stream().map(e -> e.getName())
                    .filter(n -> n.matches("lib/(bcprov|bcpkix|bcutil|h2|tomcat|jna|snakeyaml|log4j).*")))
                    .isEmpty();
        }
        assertThat(Files.size(zip)).isLessThan(40L * 1024 * 1024);
    }

    @Test
    void template_routes_areExactlyTheRoutesTheApplicationServes() throws Exception {
        Set<String> templateRoutes = new HashSet<>();
        CloudFormationTemplate.load().get("Resources").fields().forEachRemaining(r -> r.getValue().at("/Properties/Events").fields()
                .forEachRemaining(e -> {
                    if (e.getValue().path("Type").asText().equals("HttpApi")) {
                        JsonNode p = e.getValue().get("Properties");
                        templateRoutes.add(p.get("Method").asText() + " " + p.get("Path").asText());
                    }
                    // The dashboard's files are served by their own function, not the application's routes.
                    templateRoutes.removeAll(TemplateRoutesTest.DASHBOARD_ROUTES);
                }));
        Set<String> jwtRoutes = new HashSet<>();
        CloudFormationTemplate.load().get("Resources").fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::ApiGatewayV2::Route")) {
                jwtRoutes.add(r.getValue().at("/Properties/RouteKey").asText());
                jwtRoutes.removeAll(TemplateRoutesTest.DASHBOARD_ROUTES);
            }
        });
        Set<String> served = servedRoutes();
        assertThat(templateRoutes).isEqualTo(served).hasSize(18);
        assertThat(jwtRoutes).isEqualTo(served);
    }

    @Test
    void openApiDocument_describesExactlyTheRoutesTheApplicationServes_andIsValidOpenApi31() throws Exception {
        JsonNode document = OpenApiContract.document();
        assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
        Set<String> documented = new HashSet<>();
        document.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(method -> documented.add(method.toUpperCase() + " " + p.getKey())));
        Set<String> served = servedRoutes();
        assertThat(documented).isEqualTo(served);
        // Every schema it names exists: a dangling reference would make validation pass vacuously.
        for (String ref : document.findValuesAsText("$ref")) {
            assertThat(document.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
        }
    }
}
