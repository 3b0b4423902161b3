package io.streamrag.query.prompt;

import io.streamrag.events.PromptTemplate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The templates shipped in the jar ({@code prompts/*.json}): {@code rag-qa} v1, the default, and {@code sentiment-ko}
 * v1. They answer when the template topic holds no version of an id, and are what {@code streamrag prompts push}
 * publishes when given no file.
 */
public final class BundledTemplates {

    public static final String RAG_QA = "rag-qa";
    public static final String SENTIMENT_KO = "sentiment-ko";

    private static final List<PromptTemplate> ALL = load();

    private BundledTemplates() {
    }

    public static List<PromptTemplate> all() {
        return ALL;
    }

    /** Every bundled version of one template id (empty when none is bundled). */
    public static List<PromptTemplate> versionsOf(String templateId) {
        return ALL.stream().filter(t -> t.getTemplateId().equals(templateId)).toList();
    }

    private static List<PromptTemplate> load() {
        List<PromptTemplate> templates = new ArrayList<>();
        for (String name : resource("index.txt").split("\\R")) {
            if (!name.isBlank()) {
                templates.add(TemplateJson.parse(resource(name.strip())));
            }
        }
        return List.copyOf(templates);
    }

    private static String resource(String name) {
        try (InputStream in = BundledTemplates.class.getResourceAsStream("/prompts/" + name)) {
            if (in == null) {
                throw new IllegalStateException("bundled prompt resource missing: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
