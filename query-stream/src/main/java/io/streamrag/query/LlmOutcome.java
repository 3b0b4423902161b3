package io.streamrag.query;

import io.streamrag.events.Citation;

import java.util.List;
import java.util.Map;

/**
 * What came back from the LLM stage for one request, checks included: the answer (or why it cannot be used),
 * the parsed fields of a structured answer, usage summed over the call and its repair, and timings.
 */
record LlmOutcome(
        String answer,
        String formatProblem,
        Map<String, String> fields,
        String provider,
        String model,
        long inputTokens,
        long outputTokens,
        long llmMs,
        long checksMs,
        Double groundedness,
        boolean hallucinated,
        List<Citation> citations,
        List<String> flags,
        String blockReason) {
}
