package io.streamrag.query.prompt;

import io.streamrag.events.PromptExample;
import io.streamrag.events.PromptTemplate;
import io.streamrag.platform.text.Tokens;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a template's four parts into chat messages, in this order: the system message holds the instruction; the
 * user message holds the few-shot examples, the retrieved context (passages numbered, each labelled with its doc id
 * so the model can cite {@code [doc id]}), the input data and, last, the output indicator, so the format the answer
 * must take is the last thing the model reads. Passages are taken best first
 * until the template's {@code maxContextTokens} (by {@link Tokens#estimate}) is spent; a first passage larger than
 * the whole budget is cut to fit, so a question never goes out without any context when context exists.
 */
public final class PromptRenderer {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

    private PromptRenderer() {
    }

    public static RenderedPrompt render(PromptTemplate template, String question, Map<String, String> params,
                                        List<Passage> retrieved) {
        String system = template.getInstruction().strip();
        StringBuilder user = new StringBuilder();
        List<PromptExample> examples = template.getExamples();
        if (!examples.isEmpty()) {
            user.append("Examples:");
            for (PromptExample example : examples) {
                user.append("\n\nInput: ").append(example.getInput().strip())
                        .append("\nOutput:\n").append(example.getOutput().strip());
            }
            user.append("\n\n");
        }
        List<Passage> used = new ArrayList<>();
        int contextTokens = 0;
        if (template.getContextHeading() != null) {
            user.append(template.getContextHeading().strip()).append('\n');
            int budget = template.getMaxContextTokens();
            for (Passage passage : retrieved) {
                String block = block(used.size() + 1, passage, passage.text());
                int tokens = Tokens.estimate(block);
                if (contextTokens + tokens > budget) {
                    if (used.isEmpty() && budget > 0) {
                        String cut = cut(passage.text(), budget - Tokens.estimate(block(1, passage, "")));
                        if (!cut.isEmpty()) {
                            block = block(1, passage, cut);
                            used.add(passage);
                            contextTokens += Tokens.estimate(block);
                            user.append(block);
                        }
                    }
                    break;
                }
                used.add(passage);
                contextTokens += tokens;
                user.append(block);
            }
            if (used.isEmpty()) {
                user.append("(no passages found)\n");
            }
            user.append('\n');
        }
        user.append(fill(template.getInputTemplate(), question, params).strip())
                .append("\n\n").append(template.getOutputIndicator().strip());
        return new RenderedPrompt(system, user.toString(), used, contextTokens);
    }

    /** The input part with {@code {{question}}} and {@code {{param}}} replaced; unknown placeholders become empty. */
    static String fill(String inputTemplate, String question, Map<String, String> params) {
        Matcher m = PLACEHOLDER.matcher(inputTemplate);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = "question".equals(name) ? question : params.getOrDefault(name, "");
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String block(int number, Passage passage, String text) {
        String title = passage.title() == null || passage.title().isBlank() ? "" : " " + passage.title().strip();
        return "[" + number + "] [" + passage.docId() + "]" + title + "\n" + text.strip() + "\n";
    }

    private static String cut(String text, int tokens) {
        if (tokens <= 0) {
            return "";
        }
        int end = text.length();
        while (end > 0 && Tokens.estimate(text.substring(0, end)) > tokens) {
            end = Math.max(0, end - Math.max(1, (end / 10)));
        }
        return text.substring(0, end).strip();
    }
}
