package io.streamrag.query.llm;

import dev.langchain4j.model.mistralai.MistralAiChatModel;

import java.net.URI;
import java.time.Duration;

/** Mistral's chat API (langchain4j-mistral-ai). One attempt per call; {@link ResilientLlmClient} retries. */
public final class MistralLlmClient extends ChatModelLlmClient {

    public static final String PROVIDER = "mistral";

    public MistralLlmClient(URI baseUrl, String apiKey, String defaultModel, Duration timeout) {
        this(baseUrl, apiKey, defaultModel, timeout, -1, 0);
    }

    /** With the temperature and output budget used when a request leaves them unset (< 0, <= 0). */
    public MistralLlmClient(URI baseUrl, String apiKey, String defaultModel, Duration timeout, double defaultTemperature,
                            int defaultMaxOutputTokens) {
        super(MistralAiChatModel.builder()
                .baseUrl(baseUrl.toString())
                .apiKey(apiKey)
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
        return "MistralLlmClient[model=" + defaultModel() + "]";
    }
}
