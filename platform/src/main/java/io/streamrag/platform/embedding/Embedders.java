package io.streamrag.platform.embedding;

import dev.langchain4j.model.mistralai.MistralAiEmbeddingModel;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Chooses the embedding adapter from configuration. The only place that knows the providers. */
public final class Embedders {

    /** The name of the default in-process model ({@link #miniLm(int, int)}), as stored with every vector it makes. */
    public static final String MINILM_NAME = EmbeddingConfig.Precision.INT8.modelName();

    private Embedders() {
    }

    public static Embedder create(EmbeddingConfig config) {
        return switch (config.provider()) {
            case MINILM -> miniLm(config.miniLmPrecision(), config.batchSize(), config.threads());
            case MISTRAL -> new Embedder(MistralAiEmbeddingModel.builder()
                    .apiKey(config.mistralApiKey().orElseThrow())
                    .baseUrl(config.mistralBaseUrl().toString())
                    .modelName(config.mistralModel())
                    .timeout(Duration.ofSeconds(30))
                    .maxRetries(2)
                    .build(), config.mistralModel(), config.batchSize());
        };
    }

    /** The default in-process MiniLM (int8, named {@link #MINILM_NAME}); see {@link #miniLm(EmbeddingConfig.Precision, int, int)}. */
    public static Embedder miniLm(int batchSize, int threads) {
        return miniLm(EmbeddingConfig.Precision.INT8, batchSize, threads);
    }

    /**
     * all-MiniLM-L6-v2 in-process (ONNX) with the given weights, splitting each batch across {@code threads}
     * parallel calls of one ONNX thread each (see {@link MiniLmEmbeddingModel}): {@code threads} is the number of
     * cores the model may use.
     */
    public static Embedder miniLm(EmbeddingConfig.Precision precision, int batchSize, int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "minilm-embed");
            t.setDaemon(true);
            return t;
        });
        MiniLmEmbeddingModel model;
        try {
            model = new MiniLmEmbeddingModel(precision, pool);
        } catch (RuntimeException e) {
            pool.shutdownNow();
            throw e;
        }
        return new Embedder(model, precision.modelName(), batchSize, () -> {
            pool.shutdownNow();
            // a call still running inside ONNX would crash on a closed session: leave it to the process exit then
            if (pool.awaitTermination(10, TimeUnit.SECONDS)) {
                model.close();
            }
        });
    }
}
