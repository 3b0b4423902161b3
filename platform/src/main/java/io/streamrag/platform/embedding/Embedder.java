package io.streamrag.platform.embedding;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;

import java.util.ArrayList;
import java.util.List;

/**
 * Embeds texts through a langchain4j {@link EmbeddingModel} in batches of a fixed size (providers such as
 * Mistral send a whole {@code embedAll} in one request, so batching is ours), and names the model so every
 * stored vector records which model made it.
 */
public final class Embedder implements AutoCloseable {

    private final EmbeddingModel model;
    private final String modelName;
    private final int batchSize;
    private final AutoCloseable resources;

    public Embedder(EmbeddingModel model, String modelName, int batchSize, AutoCloseable resources) {
        this.model = model;
        this.modelName = modelName;
        this.batchSize = batchSize;
        this.resources = resources;
    }

    public Embedder(EmbeddingModel model, String modelName, int batchSize) {
        this(model, modelName, batchSize, () -> { });
    }

    public List<float[]> embedAll(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<TextSegment> batch = texts.subList(from, Math.min(texts.size(), from + batchSize))
                    .stream().map(TextSegment::from).toList();
            List<Embedding> embeddings = model.embedAll(batch).content();
            if (embeddings.size() != batch.size()) {
                throw new IllegalStateException(modelName + " returned " + embeddings.size() + " vectors for "
                        + batch.size() + " texts");
            }
            embeddings.forEach(e -> vectors.add(e.vector()));
        }
        return vectors;
    }

    public float[] embed(String text) {
        return model.embed(text).content().vector();
    }

    public String modelName() {
        return modelName;
    }

    public int dimensions() {
        return model.dimension();
    }

    /** The langchain4j model behind this embedder, for code that speaks langchain4j. */
    public EmbeddingModel model() {
        return model;
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot release " + modelName, e);
        }
    }
}
