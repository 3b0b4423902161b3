package io.streamrag.query.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrag.events.PromptExample;
import io.streamrag.events.PromptTemplate;
import io.streamrag.schemas.Events;

import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a {@link PromptTemplate}, as prompt authors write it (the Avro fields without the event
 * header). Reading reports every problem of a file at once.
 */
public final class TemplateJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TemplateJson() {
    }

    /** Parses one template; throws {@link IllegalArgumentException} listing what is missing or wrong. */
    public static PromptTemplate parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("a template is a JSON object");
        }
        List<String> problems = new ArrayList<>();
        String id = text(root, "templateId", problems, true);
        if (id != null && !id.matches("[A-Za-z0-9._-]+")) {
            problems.add("templateId may hold only letters, digits, '.', '_' and '-': " + id);
        }
        int version = root.path("version").asInt(0);
        if (version < 1) {
            problems.add("version must be a whole number >= 1");
        }
        List<PromptExample> examples = new ArrayList<>();
        for (JsonNode example : root.path("examples")) {
            examples.add(new PromptExample(example.path("input").asText(""), example.path("output").asText("")));
        }
        List<String> outputFields = new ArrayList<>();
        root.path("outputFields").forEach(f -> outputFields.add(f.asText()));
        try {
            OutputFormat.of(outputFields);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        double share = root.path("trafficShare").asDouble(1.0);
        if (share <= 0 || share > 1) {
            problems.add("trafficShare must be in (0, 1]");
        }
        int maxContextTokens = root.path("maxContextTokens").asInt(1500);
        if (maxContextTokens < 0) {
            problems.add("maxContextTokens must not be negative");
        }
        String instruction = text(root, "instruction", problems, true);
        String outputIndicator = text(root, "outputIndicator", problems, true);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid template: " + String.join("; ", problems));
        }
        return PromptTemplate.newBuilder()
                .setHeader(Events.header(id + "@" + version))
                .setTemplateId(id)
                .setVersion(version)
                .setInstruction(instruction)
                .setExamples(examples)
                .setContextHeading(text(root, "contextHeading", problems, false))
                .setInputTemplate(root.hasNonNull("inputTemplate") ? root.get("inputTemplate").asText() : "{{question}}")
                .setOutputIndicator(outputIndicator)
                .setOutputFields(outputFields)
                .setMaxContextTokens(maxContextTokens)
                .setModel(text(root, "model", problems, false))
                .setTrafficShare(share)
                .setAuthor(text(root, "author", problems, false))
                .build();
    }

    public static String write(PromptTemplate template) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("templateId", template.getTemplateId());
        root.put("version", template.getVersion());
        root.put("instruction", template.getInstruction());
        ArrayNode examples = root.putArray("examples");
        template.getExamples().forEach(e -> examples.addObject().put("input", e.getInput()).put("output", e.getOutput()));
        root.put("contextHeading", template.getContextHeading());
        root.put("inputTemplate", template.getInputTemplate());
        root.put("outputIndicator", template.getOutputIndicator());
        ArrayNode fields = root.putArray("outputFields");
        template.getOutputFields().forEach(fields::add);
        root.put("maxContextTokens", template.getMaxContextTokens());
        root.put("model", template.getModel());
        root.put("trafficShare", template.getTrafficShare());
        root.put("author", template.getAuthor());
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The compacted topic's key of one template version. */
    public static String key(PromptTemplate template) {
        return key(template.getTemplateId(), template.getVersion());
    }

    public static String key(String templateId, int version) {
        return templateId + "@" + version;
    }

    private static String text(JsonNode root, String field, List<String> problems, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull() || node.asText().isBlank()) {
            if (required) {
                problems.add(field + " is required");
            }
            return null;
        }
        return node.asText();
    }
}
