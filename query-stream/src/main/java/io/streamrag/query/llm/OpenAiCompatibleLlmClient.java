package io.streamrag.query.llm;

import dev.langchain4j.model.openai.OpenAiChatModel;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Any server speaking the OpenAI chat-completions API (vLLM, Ollama, llama.cpp's server) through
 * langchain4j-open-ai. Local servers usually need no key; one is sent only when configured.
 */
public final class OpenAiCompatibleLlmClient extends ChatModelLlmClient {

    public static final String PROVIDER = "openai-compatible";

    public OpenAiCompatibleLlmClient(URI baseUrl, Optional<String> apiKey, String defaultModel, Duration timeout) {
        this(baseUrl, apiKey, defaultModel, timeout, -1, 0);
    }

    /** With the temperature and output budget used when a request leaves them unset (< 0, <= 0). */
    public OpenAiCompatibleLlmClient(URI baseUrl, Optional<String> apiKey, String defaultModel, Duration timeout,
                                     double defaultTemperature, int defaultMaxOutputTokens) {
        super(OpenAiChatModel.builder()
                .baseUrl(baseUrl.toString())
                .apiKey(apiKey.orElse("none"))
                .modelName(defaultModel)
                .timeout(timeout)
                .maxRetries(0)
                .httpClientBuilder(StatusMappingHttpClient.builder().connectTimeout(timeout).readTimeout(timeout))
                .logRequests(false)
                .logResponses(false)
                .build(), PROVIDER, defaultModel, defaultTemperature, defaultMaxOutputTokens);
    }

    @Override
    public String toString() {
        return "OpenAiCompatibleLlmClient[model=" + defaultModel() + "]";
    }
}
