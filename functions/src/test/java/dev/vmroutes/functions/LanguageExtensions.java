package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Iterator;
import java.util.Map;

import static dev.vmroutes.functions.CloudFormationTemplate.JSON;

/**
 * What the {@code AWS::LanguageExtensions} transform does to our template, so the tests read the
 * resources SAM and CloudFormation get: each {@code Fn::ForEach::Name: [Identifier, [items], fragment]}
 * becomes one copy of the fragment per item, with {@code ${Identifier}} and {@code &{Identifier}}
 * replaced in keys and strings and {@code {"Ref": Identifier}} by the item; then {@code Fn::FindInMap}
 * is looked up in Mappings, and {@code Fn::Sub} whose variables are all known becomes its string, also
 * where it names what a {@code Ref} refers to. Anything else is left for CloudFormation.
 */
final class LanguageExtensions {

    static final String FOR_EACH = "Fn::ForEach::";

    private LanguageExtensions() {
    }

    static ObjectNode expand(ObjectNode source) {
        ObjectNode template = (ObjectNode) expandLoops(source);
        return (ObjectNode) resolve(template, template.path("Mappings"));
    }

    private static JsonNode expandLoops(JsonNode node) {
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(item -> copy.add(expandLoops(item)));
            return copy;
        }
        if (!node.isObject()) return node;
        ObjectNode copy = JSON.createObjectNode();
        node.fields().forEachRemaining(field -> {
            if (!field.getKey().startsWith(FOR_EACH)) {
                copy.set(field.getKey(), expandLoops(field.getValue()));
                return;
            }
            JsonNode loop = field.getValue();
            String identifier = loop.get(0).asText();
            if (!loop.get(1).isArray()) throw new IllegalArgumentException(field.getKey() + ": only literal collections are expanded here");
            for (JsonNode item : loop.get(1)) {
                JsonNode fragment = expandLoops(replace(loop.get(2), identifier, item.asText()));
                fragment.fields().forEachRemaining(out -> {
                    if (copy.has(out.getKey())) throw new IllegalArgumentException(field.getKey() + " makes " + out.getKey() + " twice");
                    copy.set(out.getKey(), out.getValue());
                });
            }
        });
        return copy;
    }

    /** The fragment with one item of the collection in place of its identifier. */
    private static JsonNode replace(JsonNode node, String identifier, String item) {
        if (node.isTextual()) return TextNode.valueOf(substitute(node.asText(), identifier, item));
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(element -> copy.add(replace(element, identifier, item)));
            return copy;
        }
        if (!node.isObject()) return node;
        if (node.size() == 1 && node.path("Ref").asText("").equals(identifier)) return TextNode.valueOf(item);
        ObjectNode copy = JSON.createObjectNode();
        node.fields().forEachRemaining(f -> copy.set(substitute(f.getKey(), identifier, item), replace(f.getValue(), identifier, item)));
        return copy;
    }

    private static String substitute(String text, String identifier, String item) {
        return text.replace("${" + identifier + "}", item).replace("&{" + identifier + "}", item.replaceAll("[^A-Za-z0-9]", ""));
    }

    private static JsonNode resolve(JsonNode node, JsonNode mappings) {
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(element -> copy.add(resolve(element, mappings)));
            return copy;
        }
        if (!node.isObject()) return node;
        ObjectNode copy = JSON.createObjectNode();
        node.fields().forEachRemaining(f -> copy.set(f.getKey(), resolve(f.getValue(), mappings)));
        if (copy.size() != 1) return copy;
        if (copy.has("Fn::FindInMap")) return findInMap(copy.get("Fn::FindInMap"), mappings);
        // A Ref's argument was resolved above: a Sub naming a logical id is that id now.
        if (copy.has("Fn::Sub")) return sub(copy);
        return copy;
    }

    private static JsonNode findInMap(JsonNode args, JsonNode mappings) {
        for (JsonNode arg : args) {
            if (!arg.isTextual()) return JSON.createObjectNode().set("Fn::FindInMap", args);
        }
        JsonNode value = mappings.path(args.get(0).asText()).path(args.get(1).asText()).path(args.get(2).asText());
        if (value.isMissingNode()) throw new IllegalArgumentException("Fn::FindInMap: no " + args);
        return value;
    }

    /** {@code Fn::Sub} as its string when every variable it names is given as a literal; else as it was. */
    private static JsonNode sub(ObjectNode sub) {
        JsonNode args = sub.get("Fn::Sub");
        String text = args.isArray() ? args.get(0).asText() : args.asText();
        if (args.isArray()) {
            for (Iterator<Map.Entry<String, JsonNode>> vars = args.get(1).fields(); vars.hasNext(); ) {
                Map.Entry<String, JsonNode> var = vars.next();
                if (!var.getValue().isTextual()) return sub;
                text = text.replace("${" + var.getKey() + "}", var.getValue().asText());
            }
        }
        return text.contains("${") ? sub : TextNode.valueOf(text);
    }
}
