package io.streamrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrag.query.check.BinaryMetrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Shared plumbing of the eval commands: reading a JSONL dataset and printing metrics as JSON or text. */
final class EvalReport {

    static final ObjectMapper JSON = new ObjectMapper();

    private EvalReport() {
    }

    /** Every non-blank line as JSON; a line that is not a JSON object fails with its line number. */
    static List<JsonNode> readJsonLines(Path file) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(line);
                if (!node.isObject()) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": not a JSON object");
                }
                ((ObjectNode) node).put("_line", lineNo);
                rows.add(node);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": not JSON: " + e.getOriginalMessage(), e);
            }
        }
        return rows;
    }

    static String requiredText(JsonNode row, String field, Path file) {
        JsonNode value = row.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(file + ":" + row.get("_line").asInt() + ": \"" + field + "\" must be a string");
        }
        return value.asText();
    }

    static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    static String print(ObjectNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode counts(BinaryMetrics m) {
        ObjectNode node = JSON.createObjectNode();
        node.put("tp", m.truePositives());
        node.put("fp", m.falsePositives());
        node.put("tn", m.trueNegatives());
        node.put("fn", m.falseNegatives());
        return node;
    }
}
