package io.streamrag.query.llm;

/** A completed call: the text, who answered, tokens as counted by the provider, and how many attempts it took. */
public record LlmResponse(String text, String provider, String model, long inputTokens, long outputTokens, int attempts) {
}
