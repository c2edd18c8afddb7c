package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** template.yaml as JSON, for the tests that hold it to what AWS and the code expect. */
final class CloudFormationTemplate {

    static final Path ROOT = Path.of("..");
    static final ObjectMapper JSON = new ObjectMapper();

    private CloudFormationTemplate() {
    }

    /**
     * template.yaml as CloudFormation hands it to SAM's transform, after {@code AWS::LanguageExtensions}:
     * each {@code Fn::ForEach} expanded and what the transform can compute resolved ({@link LanguageExtensions}).
     */
    static ObjectNode load() throws Exception {
        return LanguageExtensions.expand(source());
    }

    /** template.yaml as written, with short tags ({@code !Ref x}) in their long form ({@code {"Ref": x}}). */
    static ObjectNode source() throws Exception {
        class CloudFormationConstructor extends SafeConstructor {
            CloudFormationConstructor() {
                super(new LoaderOptions());
                for (String fn : List.of("Ref", "GetAtt", "Sub", "If", "Equals", "Join", "Select", "Split", "FindInMap",
                        "Base64", "Cidr", "GetAZs", "ImportValue", "Not", "And", "Or", "Condition")) {
                    String longName = fn.equals("Ref") || fn.equals("Condition") ? fn : "Fn::" + fn;
                    yamlConstructors.put(new Tag("!" + fn), new AbstractConstruct() {
                        @Override
                        public Object construct(Node node) {
                            Object value;
                            if (node instanceof ScalarNode scalar) {
                                value = fn.equals("GetAtt") ? List.of(scalar.getValue().split("\\.", 2)) : scalar.getValue();
                            } else if (node instanceof SequenceNode seq) {
                                value = constructSequence(seq);
                            } else {
                                value = constructMapping((MappingNode) node);
                            }
                            return Map.of(longName, value);
                        }
                    });
                }
            }
        }
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("template.yaml"))) {
            Object yaml = new Yaml(new CloudFormationConstructor()).load(reader);
            return JSON.valueToTree(yaml);
        }
    }

    /** Each {@code AWS::Serverless::Function}'s properties, by logical id, in template order. */
    static Map<String, JsonNode> functions(JsonNode template) {
        Map<String, JsonNode> functions = new LinkedHashMap<>();
        template.get("Resources").fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                functions.put(r.getKey(), r.getValue().path("Properties"));
            }
        });
        return functions;
    }

    /** A function's setting as deployed: its own, else the one in Globals (missing when neither sets it). */
    static JsonNode setting(JsonNode template, JsonNode function, String name) {
        JsonNode own = function.path(name);
        return own.isMissingNode() ? template.at("/Globals/Function").path(name) : own;
    }

    /** A function's variables as deployed: those of Globals, then its own over them (SAM merges the two maps). */
    static Map<String, JsonNode> environment(JsonNode template, JsonNode function) {
        Map<String, JsonNode> vars = new LinkedHashMap<>();
        template.at("/Globals/Function/Environment/Variables").fields().forEachRemaining(v -> vars.put(v.getKey(), v.getValue()));
        function.at("/Environment/Variables").fields().forEachRemaining(v -> vars.put(v.getKey(), v.getValue()));
        return vars;
    }

    /** The logical id a {@code !Ref} or {@code !GetAtt} names, or null for anything else. */
    static String target(JsonNode value) {
        if (value.has("Ref")) return value.get("Ref").asText();
        if (value.has("Fn::GetAtt")) return value.get("Fn::GetAtt").get(0).asText();
        return null;
    }
}
