package io.streamrag.query.llm;

import io.streamrag.platform.text.Tokens;
import io.streamrag.query.llm.stub.MistralWireStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The Mistral adapter over real HTTP against a server speaking Mistral's wire format; one attempt per call. */
class MistralLlmClientTest {

    private final MistralWireStub stub = MistralWireStub.start("test-key", Duration.ZERO);
    private final MistralLlmClient client = new MistralLlmClient(stub.baseUrl(), "test-key", "mistral-small-latest", Duration.ofSeconds(5));

    @AfterEach
    void close() {
        client.close();
        stub.close();
    }

    @Test
    void shouldReturnAnswerWithProviderTokenCounts_whenServerAnswers() throws Exception {
        // given
        LlmRequest request = LlmRequests.refundQuestion(Duration.ofSeconds(10));

        // when
        LlmResponse response = client.complete(request).get(10, TimeUnit.SECONDS);

        // then
        assertThat(response.text()).startsWith("Refunds are accepted within 14 days of purchase.");
        assertThat(response.provider()).isEqualTo("mistral");
        assertThat(response.model()).isEqualTo("mistral-small-latest");
        assertThat(response.inputTokens()).isEqualTo(Tokens.estimate(request.systemPrompt()) + Tokens.estimate(request.userPrompt()));
        assertThat(response.outputTokens()).isEqualTo(Tokens.estimate(response.text()));
        assertThat(response.attempts()).isEqualTo(1);
    }

    @Test
    void shouldSendRequestedModel_whenRequestNamesOne() throws Exception {
        // given
        LlmRequest request = LlmRequests.refundQuestion(null).withModel("open-mistral-nemo");

        // when
        LlmResponse response = client.complete(request).get(10, TimeUnit.SECONDS);

        // then
        assertThat(stub.models()).containsExactly("open-mistral-nemo");
        assertThat(response.model()).isEqualTo("open-mistral-nemo");
    }

    @Test
    void shouldSendConfiguredDefaults_whenRequestLeavesTemperatureAndBudgetUnset() throws Exception {
        // given
        LlmRequest base = LlmRequests.refundQuestion(null);
        LlmRequest unset = new LlmRequest(base.requestId(), base.tenant(), null, base.systemPrompt(), base.userPrompt(),
                base.question(), base.contextPassages(), 0, -1, null);

        // when
        try (MistralLlmClient configured = new MistralLlmClient(stub.baseUrl(), "test-key", "mistral-small-latest",
                Duration.ofSeconds(5), 0.7, 99)) {
            configured.complete(unset).get(10, TimeUnit.SECONDS);
        }

        // then
        var sent = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stub.lastRequestBody());
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(99);
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.7);
    }

    @Test
    void shouldFailRateLimitedWithRetryAfter_whenServerAnswers429() {
        // given
        stub.enqueue(MistralWireStub.Fault.rateLimited(2));

        // when
        LlmException failure = failureOf(client.complete(LlmRequests.refundQuestion(null)));

        // then
        assertThat(failure.kind()).isEqualTo(LlmException.Kind.RATE_LIMITED);
        assertThat(failure.retryAfterMs()).isEqualTo(2000);
        assertThat(stub.calls()).isEqualTo(1);
    }

    @Test
    void shouldFailServerError_whenServerAnswers500() {
        // given
        stub.enqueue(MistralWireStub.Fault.serverError());

        // when
        LlmException failure = failureOf(client.complete(LlmRequests.refundQuestion(null)));

        // then
        assertThat(failure.kind()).isEqualTo(LlmException.Kind.SERVER_ERROR);
        assertThat(failure.getMessage()).contains("HTTP 500");
        assertThat(stub.calls()).as("langchain4j must not retry on its own").isEqualTo(1);
    }

    @Test
    void shouldFailTimeout_whenServerDoesNotAnswerInTime() {
        // given
        stub.enqueue(MistralWireStub.Fault.hang());

        // when
        LlmException failure;
        try (MistralLlmClient impatient = new MistralLlmClient(stub.baseUrl(), "test-key", "mistral-small-latest", Duration.ofMillis(500))) {
            failure = failureOf(impatient.complete(LlmRequests.refundQuestion(null)));
        }

        // then
        assertThat(failure.kind()).isEqualTo(LlmException.Kind.TIMEOUT);
        assertThat(stub.calls()).isEqualTo(1);
    }

    @Test
    void shouldFailBadResponse_whenBodyIsNotAChatCompletion() {
        // given
        stub.enqueue(MistralWireStub.Fault.malformed());

        // when
        LlmException failure = failureOf(client.complete(LlmRequests.refundQuestion(null)));

        // then
        assertThat(failure.kind()).isEqualTo(LlmException.Kind.BAD_RESPONSE);
        assertThat(failure.kind().retryable()).isFalse();
    }

    @Test
    void shouldFailRejected_whenApiKeyIsWrong() {
        // given
        try (MistralLlmClient wrongKey = new MistralLlmClient(stub.baseUrl(), "not-the-key", "mistral-small-latest", Duration.ofSeconds(2))) {

            // when
            LlmException failure = failureOf(wrongKey.complete(LlmRequests.refundQuestion(null)));

            // then
            assertThat(failure.kind()).isEqualTo(LlmException.Kind.REJECTED);
            assertThat(failure.getMessage()).contains("401").doesNotContain("not-the-key");
        }
    }

    @Test
    void shouldFailServerError_whenNothingListens() {
        // given
        var base = stub.baseUrl();
        stub.close();

        // when
        LlmException failure;
        try (MistralLlmClient unreachable = new MistralLlmClient(base, "test-key", "mistral-small-latest", Duration.ofSeconds(2))) {
            failure = failureOf(unreachable.complete(LlmRequests.refundQuestion(null)));
        }

        // then
        assertThat(failure.kind()).isEqualTo(LlmException.Kind.SERVER_ERROR);
    }

    static LlmException failureOf(CompletableFuture<LlmResponse> future) {
        Throwable thrown = catchThrowable(() -> future.get(10, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(LlmException.class);
        return (LlmException) thrown.getCause();
    }
}
