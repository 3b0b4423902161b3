package io.streamrag.query.llm;

import io.streamrag.query.llm.stub.MistralWireStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.streamrag.query.llm.MistralLlmClientTest.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAI-compatible adapter (vLLM, Ollama, llama.cpp) over real HTTP. Mistral's chat-completions format is
 * the OpenAI one for plain text chat, so the same wire stub serves.
 */
class OpenAiCompatibleLlmClientTest {

    private final MistralWireStub stub = MistralWireStub.start("local-key", Duration.ZERO);
    private final OpenAiCompatibleLlmClient client = new OpenAiCompatibleLlmClient(stub.baseUrl(), Optional.of("local-key"),
            "llama3.2", Duration.ofSeconds(5));

    @AfterEach
    void close() {
        client.close();
        stub.close();
    }

    @Test
    void shouldReturnAnswerWithTokenCounts_whenServerAnswers() throws Exception {
        // when
        LlmResponse response = client.complete(LlmRequests.refundQuestion(null)).get(10, TimeUnit.SECONDS);

        // then
        assertThat(response.text()).startsWith("Refunds are accepted within 14 days of purchase.");
        assertThat(response.provider()).isEqualTo("openai-compatible");
        assertThat(stub.models()).containsExactly("llama3.2");
        assertThat(response.inputTokens()).isPositive();
        assertThat(response.outputTokens()).isPositive();
    }

    @Test
    void shouldFailRateLimitedWithRetryAfter_whenServerAnswers429() {
        // given
        stub.enqueue(MistralWireStub.Fault.rateLimited(3));

        // when
        LlmException failure = failureOf(client.complete(LlmRequests.refundQuestion(null)));

        // then
        assertThat(failure.kind()).isEqualTo(LlmException.Kind.RATE_LIMITED);
        assertThat(failure.retryAfterMs()).isEqualTo(3000);
        assertThat(stub.calls()).isEqualTo(1);
    }
}
