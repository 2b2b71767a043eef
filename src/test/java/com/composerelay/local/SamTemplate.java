package com.composerelay.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The template that {@code sam build} wrote ({@code .aws-sam/build/template.yaml}, intrinsics in
 * long form): what the local runs take from it, so they run the function as it is declared.
 */
public final class SamTemplate {
    private final JsonNode root;
    private final Path buildDir;

    private SamTemplate(JsonNode root, Path buildDir) {
        this.root = root;
        this.buildDir = buildDir;
    }

    public static SamTemplate read(Path buildDir) {
        Path file = buildDir.resolve("template.yaml");
        try {
            return new SamTemplate(new ObjectMapper(new YAMLFactory()).readTree(file.toFile()), buildDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (run scripts/sam.sh build first)", e);
        }
    }

    /** What Lambda needs to run one function, as the template declares it. */
    public record Function(String logicalId, String handler, String runtime, int timeoutSeconds, int memoryMb,
                           Path codeDir, Map<String, JsonNode> environment) {}

    public Function function(String logicalId) {
        JsonNode properties = resource(logicalId).path("Properties");
        JsonNode globals = root.path("Globals").path("Function");
        Map<String, JsonNode> environment = new LinkedHashMap<>();
        properties.path("Environment").path("Variables").properties().forEach(e -> environment.put(e.getKey(), e.getValue()));
        return new Function(logicalId,
                properties.path("Handler").asText(),
                properties.path("Runtime").asText(globals.path("Runtime").asText()),
                properties.path("Timeout").asInt(globals.path("Timeout").asInt(3)),
                properties.path("MemorySize").asInt(globals.path("MemorySize").asInt(128)),
                buildDir.resolve(properties.path("CodeUri").asText()),
                environment);
    }

    public JsonNode resource(String logicalId) {
        JsonNode resource = root.path("Resources").path(logicalId);
        if (resource.isMissingNode()) {
            throw new IllegalArgumentException("template has no resource " + logicalId);
        }
        return resource;
    }

    public String parameterDefault(String name) {
        JsonNode value = root.path("Parameters").path(name).path("Default");
        return value.isMissingNode() ? null : value.asText();
    }

    /**
     * The function's environment with every {@code Ref} resolved: to a parameter value given
     * (else the parameter's default), or to the local stand-in for a resource; a {@code Fn::GetAtt}
     * to the stand-in given as {@code Resource.Attribute}.
     */
    public Map<String, String> environment(Function function, Map<String, String> parameters,
                                           Map<String, String> resources) {
        Map<String, String> resolved = new LinkedHashMap<>();
        function.environment().forEach((name, value) -> resolved.put(name, resolve(name, value, parameters, resources)));
        return resolved;
    }

    private String resolve(String variable, JsonNode value, Map<String, String> parameters, Map<String, String> resources) {
        if (value.isValueNode()) {
            return value.asText();
        }
        JsonNode ref = value.get("Ref");
        if (ref != null) {
            String name = ref.asText();
            if (parameters.containsKey(name)) {
                return parameters.get(name);
            }
            if (resources.containsKey(name)) {
                return resources.get(name);
            }
            String fallback = parameterDefault(name);
            if (fallback != null) {
                return fallback;
            }
        }
        // Fn::GetAtt as [resource, attribute] or "resource.attribute": the local stand-in given as "resource.attribute".
        JsonNode getAtt = value.get("Fn::GetAtt");
        if (getAtt != null) {
            String name = getAtt.isArray() ? getAtt.get(0).asText() + "." + getAtt.get(1).asText() : getAtt.asText();
            if (resources.containsKey(name)) {
                return resources.get(name);
            }
        }
        throw new IllegalArgumentException("cannot resolve " + variable + " = " + value + " locally");
    }

    /**
     * A state machine's definition as {@code sam build} left it ({@code DefinitionUri}, relative to the
     * build folder), with {@code ${Name}} replaced by the given values as {@code DefinitionSubstitutions} does.
     */
    public String stateMachineDefinition(String logicalId, Map<String, String> substitutions) {
        JsonNode properties = resource(logicalId).path("Properties");
        Path file = buildDir.resolve(properties.path("DefinitionUri").asText()).normalize();
        String definition;
        try {
            definition = java.nio.file.Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the definition of " + logicalId + " at " + file, e);
        }
        var declared = new java.util.TreeSet<String>();
        properties.path("DefinitionSubstitutions").fieldNames().forEachRemaining(declared::add);
        if (!declared.equals(new java.util.TreeSet<>(substitutions.keySet()))) {
            throw new IllegalArgumentException(logicalId + " substitutes " + declared + ", given " + substitutions.keySet());
        }
        for (var e : substitutions.entrySet()) {
            definition = definition.replace("${" + e.getKey() + "}", e.getValue());
        }
        return definition;
    }

    public JsonNode root() {
        return root;
    }
}
