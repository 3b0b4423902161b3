package io.streamrag.query.llm;

import java.time.Instant;
import java.util.List;

/**
 * One chat completion: a system prompt (instruction, examples, output indicator), the user prompt (context and
 * input), the model (null: the client's default), an output budget and the instant after which the answer is
 * useless. {@code contextPassages} carries the retrieved passages separately so that an extractive answerer
 * can work without a model. {@code maxOutputTokens <= 0} or {@code temperature < 0}: the client's configured
 * default ({@code llm.max.output.tokens}, {@code llm.temperature}).
 */
public record LlmRequest(
        String requestId,
        String tenant,
        String model,
        String systemPrompt,
        String userPrompt,
        String question,
        List<String> contextPassages,
        int maxOutputTokens,
        double temperature,
        Instant deadline) {

    public LlmRequest {
        contextPassages = contextPassages == null ? List.of() : List.copyOf(contextPassages);
    }

    /** The same request for another model (null: the client's default). */
    public LlmRequest withModel(String otherModel) {
        return new LlmRequest(requestId, tenant, otherModel, systemPrompt, userPrompt, question, contextPassages,
                maxOutputTokens, temperature, deadline);
    }
}
