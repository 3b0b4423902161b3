package io.streamrag.query.llm;

import dev.langchain4j.model.mistralai.MistralAiChatModel;

import java.net.URI;
import java.time.Duration;

/** Mistral's chat API (langchain4j-mistral-ai). One attempt per call; {@link ResilientLlmClient} retries. */
public final class MistralLlmClient extends ChatModelLlmClient {

    public static final String PROVIDER = "mistral";

    public MistralLlmClient(URI baseUrl, String apiKey, String defaultModel, Duration timeout) {
        super(MistralAiChatModel.builder()
                .baseUrl(baseUrl.toString())
                .apiKey(apiKey)
                .modelName(defaultModel)
                .timeout(timeout)
                .maxRetries(0)
                .httpClientBuilder(StatusMappingHttpClient.builder().connectTimeout(timeout).readTimeout(timeout))
                .logRequests(false)
                .logResponses(false)
                .build(), PROVIDER, defaultModel);
    }

    @Override
    public String toString() {
        return "MistralLlmClient[model=" + defaultModel() + "]";
    }
}
