package io.streamrag.platform.embedding;

import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/** Which embedding model to use and how to batch calls to it. */
public record EmbeddingConfig(Provider provider, Precision miniLmPrecision, int batchSize, int threads,
                              String mistralModel, Optional<String> mistralApiKey, URI mistralBaseUrl) {

    public enum Provider { MINILM, MISTRAL }

    /**
     * Which all-MiniLM-L6-v2 weights run in-process. The vectors of the two differ slightly (mean cosine 0.986), so
     * each has its own model name, stored with every vector it makes.
     */
    public enum Precision {
        INT8("all-minilm-l6-v2-q"),
        FP32("all-minilm-l6-v2");

        private final String modelName;

        Precision(String modelName) {
            this.modelName = modelName;
        }

        public String modelName() {
            return modelName;
        }

        String modelResource() {
            return modelName + ".onnx";
        }

        String tokenizerResource() {
            return modelName + "-tokenizer.json";
        }
    }

    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of("embedding.provider", "minilm", "minilm (all-MiniLM-L6-v2 in-process, 384 dims) or mistral (mistral-embed, 1024 dims)."),
            ConfigKey.of("embedding.minilm.precision", "int8",
                    "int8 (quantized all-MiniLM-L6-v2, ~3x faster) or fp32 (the original weights); vectors differ slightly, so re-ingest when switching."),
            ConfigKey.of("embedding.batch.size", "32", "Texts per embedding call."),
            ConfigKey.of("embedding.threads", "0",
                    "Parallel in-process embedding calls; 0 means one per core."),
            ConfigKey.of("embedding.mistral.model", "mistral-embed", "Mistral embedding model."),
            ConfigKey.secret("mistral.api.key", "Mistral API key; enables Mistral for chat (and embeddings when chosen)."),
            ConfigKey.of("mistral.base.url", "https://api.mistral.ai/v1", "Mistral API base URL."));

    public static EmbeddingConfig from(ConfigReader config) {
        Provider provider = config.choice("embedding.provider", Provider.class);
        Optional<String> key = config.optional("mistral.api.key");
        if (provider == Provider.MISTRAL && key.isEmpty()) {
            config.problem("embedding.provider=mistral needs mistral.api.key (MISTRAL_API_KEY)");
        }
        return new EmbeddingConfig(provider,
                config.choice("embedding.minilm.precision", Precision.class),
                config.integer("embedding.batch.size", 1, 512),
                threads(config.integer("embedding.threads", 0, 256)),
                config.string("embedding.mistral.model"),
                key,
                config.optionalUri("mistral.base.url").orElse(URI.create("https://api.mistral.ai/v1")));
    }

    private static int threads(int configured) {
        return configured == 0 ? Runtime.getRuntime().availableProcessors() : configured;
    }

    @Override
    public String toString() {
        return "EmbeddingConfig[provider=" + provider + ", miniLmPrecision=" + miniLmPrecision + ", batchSize=" + batchSize + ", threads=" + threads
                + ", mistralModel=" + mistralModel + ", mistralApiKey=" + mistralApiKey.map(k -> "****").orElse("<none>")
                + ", mistralBaseUrl=" + mistralBaseUrl + "]";
    }
}
