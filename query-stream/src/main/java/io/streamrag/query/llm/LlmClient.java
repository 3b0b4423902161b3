package io.streamrag.query.llm;

import java.util.concurrent.CompletableFuture;

/**
 * The LLM port. A call never blocks the caller: the future completes with the answer or exceptionally with an
 * {@link LlmException} that says whether and why it failed (rate limited, server error, timeout, bad response,
 * circuit open, deadline passed). Adapters own retries and circuit breaking.
 */
public interface LlmClient extends AutoCloseable {

    CompletableFuture<LlmResponse> complete(LlmRequest request);

    /** {@code gen_ai.provider.name}: mistral, openai-compatible, offline-extractive. */
    String provider();

    /** The model used when a request names none. */
    String defaultModel();

    @Override
    default void close() {
    }
}
