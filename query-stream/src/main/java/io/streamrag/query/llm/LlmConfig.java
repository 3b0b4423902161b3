package io.streamrag.query.llm;

import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Which LLM answers, how it is retried, broken and routed, and what it costs. The Mistral key and base URL are
 * the platform's {@code mistral.api.key} / {@code mistral.base.url} (declared with the embedding keys), so one
 * key enables Mistral everywhere.
 */
public record LlmConfig(
        Provider provider,
        String model,
        Optional<String> cheapModel,
        Optional<Provider> fallbackProvider,
        Optional<String> mistralApiKey,
        URI mistralBaseUrl,
        Optional<URI> openAiBaseUrl,
        Optional<String> openAiApiKey,
        Duration timeout,
        int maxRetries,
        Duration retryBase,
        int circuitFailureThreshold,
        Duration circuitOpen,
        double temperature,
        int maxOutputTokens,
        CostCalculator costs) {

    /** A resolved provider. */
    public enum Provider { MISTRAL, OPENAI, OFFLINE }

    private enum Choice { AUTO, MISTRAL, OPENAI, OFFLINE }

    private enum FallbackChoice { NONE, OFFLINE, MISTRAL, OPENAI }

    public static final String DEFAULT_MISTRAL_MODEL = "mistral-small-latest";

    /** The LLM keys. {@code mistral.api.key} and {@code mistral.base.url} are read too: declare them once with EmbeddingConfig.KEYS. */
    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of("llm.provider", "auto", "auto, mistral, openai or offline. auto: mistral when mistral.api.key is set, "
                    + "else openai when llm.openai.base.url is set, else offline (the extractive answerer, no LLM)."),
            ConfigKey.of("llm.model", "", "Default chat model (empty: " + DEFAULT_MISTRAL_MODEL + " for mistral; required for openai)."),
            ConfigKey.of("llm.model.cheap", "", "Cheaper model for simple requests (short question, small context); empty: no routing."),
            ConfigKey.of("llm.fallback.provider", "offline", "Provider answering when the primary fails for good: none, offline, mistral or openai."),
            ConfigKey.of("llm.openai.base.url", "", "Base URL of an OpenAI-compatible server, e.g. http://localhost:8000/v1 (vLLM) or http://localhost:11434/v1 (Ollama)."),
            ConfigKey.secret("llm.openai.api.key", "API key for the OpenAI-compatible server (most local servers need none)."),
            ConfigKey.of("llm.timeout.ms", "30000", "Timeout of one LLM attempt."),
            ConfigKey.of("llm.max.retries", "3", "Retries after the first attempt (429, 5xx, timeouts)."),
            ConfigKey.of("llm.retry.base.ms", "500", "First backoff; doubles each retry, with jitter; never shorter than Retry-After."),
            ConfigKey.of("llm.circuit.failure.threshold", "5", "Consecutive failed attempts that open the circuit."),
            ConfigKey.of("llm.circuit.open.ms", "30000", "How long an open circuit fails fast before one probe call."),
            ConfigKey.of("llm.temperature", "0.2", "Sampling temperature."),
            ConfigKey.of("llm.max.output.tokens", "512", "Output token budget per answer."),
            ConfigKey.of("llm.prices", CostCalculator.DEFAULT_PRICES, "Price table model:inputUsdPer1M/outputUsdPer1M,... for the cost of each answer."));

    public static LlmConfig from(ConfigReader config) {
        Optional<String> mistralKey = config.optional("mistral.api.key").filter(k -> !k.isBlank());
        URI mistralBase = config.optionalUri("mistral.base.url").orElse(URI.create("https://api.mistral.ai/v1"));
        Optional<URI> openAiBase = config.optional("llm.openai.base.url").filter(v -> !v.isBlank())
                .flatMap(v -> config.optionalUri("llm.openai.base.url"));
        Optional<String> openAiKey = config.optional("llm.openai.api.key").filter(k -> !k.isBlank());

        Provider provider = switch (config.choice("llm.provider", Choice.class)) {
            case AUTO -> mistralKey.isPresent() ? Provider.MISTRAL : openAiBase.isPresent() ? Provider.OPENAI : Provider.OFFLINE;
            case MISTRAL -> Provider.MISTRAL;
            case OPENAI -> Provider.OPENAI;
            case OFFLINE -> Provider.OFFLINE;
        };
        Optional<Provider> fallback = switch (config.choice("llm.fallback.provider", FallbackChoice.class)) {
            case NONE -> Optional.empty();
            case OFFLINE -> Optional.of(Provider.OFFLINE);
            case MISTRAL -> Optional.of(Provider.MISTRAL);
            case OPENAI -> Optional.of(Provider.OPENAI);
        };
        if (fallback.isPresent() && fallback.get() == provider) {
            fallback = Optional.empty(); // falling back to the same provider only repeats the failure
        }
        for (Provider used : fallback.isPresent() ? List.of(provider, fallback.get()) : List.of(provider)) {
            if (used == Provider.MISTRAL && mistralKey.isEmpty()) {
                config.problem("llm provider mistral needs mistral.api.key (MISTRAL_API_KEY)");
            }
            if (used == Provider.OPENAI && openAiBase.isEmpty()) {
                config.problem("llm provider openai needs llm.openai.base.url (LLM_OPENAI_BASE_URL)");
            }
        }
        String model = config.optional("llm.model").map(String::strip).orElse("");
        if (model.isEmpty()) {
            model = switch (provider) {
                case MISTRAL -> DEFAULT_MISTRAL_MODEL;
                case OFFLINE -> OfflineExtractiveAnswerer.MODEL;
                case OPENAI -> {
                    config.problem("llm.provider=openai needs llm.model (LLM_MODEL): the name the server serves");
                    yield "";
                }
            };
        }
        CostCalculator costs;
        try {
            costs = CostCalculator.parse(config.optional("llm.prices").orElse(CostCalculator.DEFAULT_PRICES));
        } catch (IllegalArgumentException e) {
            config.problem("llm.prices (LLM_PRICES): " + e.getMessage());
            costs = CostCalculator.parse(CostCalculator.DEFAULT_PRICES);
        }
        return new LlmConfig(provider, model,
                config.optional("llm.model.cheap").map(String::strip).filter(m -> !m.isEmpty()),
                fallback, mistralKey, mistralBase, openAiBase, openAiKey,
                Duration.ofMillis(config.longValue("llm.timeout.ms", 1, 600_000)),
                config.integer("llm.max.retries", 0, 20),
                Duration.ofMillis(config.longValue("llm.retry.base.ms", 1, 600_000)),
                config.integer("llm.circuit.failure.threshold", 1, 10_000),
                Duration.ofMillis(config.longValue("llm.circuit.open.ms", 0, 3_600_000)),
                config.decimal("llm.temperature", 0, 2),
                config.integer("llm.max.output.tokens", 1, 1_000_000),
                costs);
    }

    /** The retry, circuit and routing policy of {@link ResilientLlmClient}. */
    public ResilientLlmClient.Policy policy() {
        ResilientLlmClient.Policy defaults = ResilientLlmClient.Policy.defaults();
        return new ResilientLlmClient.Policy(maxRetries, retryBase, defaults.retryMax(), circuitFailureThreshold,
                circuitOpen, cheapModel, defaults.simpleQuestionTokens(), defaults.simpleContextTokens());
    }

    @Override
    public String toString() {
        return "LlmConfig[provider=" + provider + ", model=" + model + ", cheapModel=" + cheapModel.orElse("<none>")
                + ", fallbackProvider=" + fallbackProvider.map(Enum::name).orElse("<none>")
                + ", mistralApiKey=" + mistralApiKey.map(k -> "****").orElse("<none>") + ", mistralBaseUrl=" + mistralBaseUrl
                + ", openAiBaseUrl=" + openAiBaseUrl.map(URI::toString).orElse("<none>")
                + ", openAiApiKey=" + openAiApiKey.map(k -> "****").orElse("<none>")
                + ", timeout=" + timeout + ", maxRetries=" + maxRetries + ", retryBase=" + retryBase
                + ", circuitFailureThreshold=" + circuitFailureThreshold + ", circuitOpen=" + circuitOpen
                + ", temperature=" + temperature + ", maxOutputTokens=" + maxOutputTokens
                + ", prices=" + costs.prices().size() + " models]";
    }
}
