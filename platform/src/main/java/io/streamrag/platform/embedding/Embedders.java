package io.streamrag.platform.embedding;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.mistralai.MistralAiEmbeddingModel;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Chooses the embedding adapter from configuration. The only place that knows the providers. */
public final class Embedders {

    public static final String MINILM_NAME = "all-minilm-l6-v2";

    private Embedders() {
    }

    public static Embedder create(EmbeddingConfig config) {
        return switch (config.provider()) {
            case MINILM -> miniLm(config.batchSize(), config.threads());
            case MISTRAL -> new Embedder(MistralAiEmbeddingModel.builder()
                    .apiKey(config.mistralApiKey().orElseThrow())
                    .baseUrl(config.mistralBaseUrl().toString())
                    .modelName(config.mistralModel())
                    .timeout(Duration.ofSeconds(30))
                    .maxRetries(2)
                    .build(), config.mistralModel(), config.batchSize());
        };
    }

    /** all-MiniLM-L6-v2 in-process (ONNX), splitting each batch across {@code threads} parallel calls. */
    public static Embedder miniLm(int batchSize, int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "minilm-embed");
            t.setDaemon(true);
            return t;
        });
        return new Embedder(new AllMiniLmL6V2EmbeddingModel(pool), MINILM_NAME, batchSize, pool::shutdownNow);
    }
}
