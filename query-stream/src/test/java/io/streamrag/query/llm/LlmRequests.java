package io.streamrag.query.llm;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Requests shaped like the query stream's: a grounded-QA system prompt and a user message with context. */
final class LlmRequests {

    static final List<String> REFUND_CONTEXT = List.of(
            "Refunds are accepted within 14 days of purchase. The receipt must be shown at the counter.",
            "Shipping takes three to five business days. Express delivery costs 9 euros.");

    private LlmRequests() {
    }

    static LlmRequest question(String question, List<String> passages, Duration deadlineIn) {
        StringBuilder user = new StringBuilder("Context:\n");
        for (int i = 0; i < passages.size(); i++) {
            user.append('[').append(i + 1).append("] ").append(passages.get(i)).append('\n');
        }
        user.append("\nQuestion: ").append(question);
        return new LlmRequest(UUID.randomUUID().toString(), "acme", null,
                "Answer only from the context and cite the passages. Say so when the context does not hold the answer.",
                user.toString(), question, passages, 256, 0.2, deadlineIn == null ? null : Instant.now().plus(deadlineIn));
    }

    static LlmRequest refundQuestion(Duration deadlineIn) {
        return question("How long do I have to ask for a refund?", REFUND_CONTEXT, deadlineIn);
    }
}
