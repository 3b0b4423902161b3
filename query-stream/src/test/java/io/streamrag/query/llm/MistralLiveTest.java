package io.streamrag.query.llm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Against the real Mistral API: runs only when MISTRAL_API_KEY is set (skipped otherwise). */
@EnabledIfEnvironmentVariable(named = "MISTRAL_API_KEY", matches = ".+", disabledReason = "MISTRAL_API_KEY is not set")
class MistralLiveTest {

    @Test
    void shouldAnswerFromContextWithUsage_whenCallingRealMistral() throws Exception {
        // given
        URI base = URI.create(Optional.ofNullable(System.getenv("MISTRAL_BASE_URL")).orElse("https://api.mistral.ai/v1"));
        var mistral = new MistralLlmClient(base, System.getenv("MISTRAL_API_KEY"), "mistral-small-latest", Duration.ofSeconds(30));
        try (var client = new ResilientLlmClient(mistral, null, ResilientLlmClient.Policy.defaults())) {

            // when
            LlmResponse response = client.complete(LlmRequests.question("How many days do I have to ask for a refund?",
                    List.of("Refunds are accepted within 14 days of purchase."), Duration.ofSeconds(60))).get(90, TimeUnit.SECONDS);

            // then
            assertThat(response.text()).contains("14");
            assertThat(response.inputTokens()).isPositive();
            assertThat(response.outputTokens()).isPositive();
            assertThat(response.provider()).isEqualTo("mistral");
        }
    }
}
