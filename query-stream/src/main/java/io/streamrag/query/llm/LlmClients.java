package io.streamrag.query.llm;

/** Builds the configured client: the provider's adapter behind retries, circuit breaker, routing and fallback. */
public final class LlmClients {

    private LlmClients() {
    }

    public static LlmClient create(LlmConfig config) {
        LlmClient primary = adapter(config.provider(), config, config.model());
        if (config.provider() == LlmConfig.Provider.OFFLINE) {
            return primary; // nothing to retry, break or fall back from
        }
        LlmClient fallback = config.fallbackProvider().map(p -> adapter(p, config, null)).orElse(null);
        return new ResilientLlmClient(primary, fallback, config.policy());
    }

    /** One provider's adapter, unwrapped. {@code model} null: that provider's default. */
    public static LlmClient adapter(LlmConfig.Provider provider, LlmConfig config, String model) {
        return switch (provider) {
            case OFFLINE -> new OfflineExtractiveAnswerer();
            case MISTRAL -> new MistralLlmClient(config.mistralBaseUrl(), config.mistralApiKey().orElseThrow(
                    () -> new IllegalStateException("mistral needs mistral.api.key")),
                    model == null ? LlmConfig.DEFAULT_MISTRAL_MODEL : model, config.timeout(), config.temperature(),
                    config.maxOutputTokens());
            case OPENAI -> new OpenAiCompatibleLlmClient(config.openAiBaseUrl().orElseThrow(
                    () -> new IllegalStateException("openai needs llm.openai.base.url")), config.openAiApiKey(),
                    model == null ? config.model() : model, config.timeout(), config.temperature(), config.maxOutputTokens());
        };
    }
}
