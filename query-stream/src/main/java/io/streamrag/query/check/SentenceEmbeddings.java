package io.streamrag.query.check;

import io.streamrag.platform.embedding.Embedder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sentence vectors for the groundedness checker, with a bounded LRU of context-sentence vectors shared across
 * answers: retrieval returns the same popular chunks again and again, so most context sentences of an answer
 * were already embedded for an earlier one. Whatever is missing (answer sentences and uncached context
 * sentences) is embedded in one {@code embedAll} call.
 */
final class SentenceEmbeddings {

    private final Embedder embedder;
    private final int capacity;
    private final Map<String, float[]> cache;

    SentenceEmbeddings(Embedder embedder, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("cache capacity must be >= 0, was " + capacity);
        }
        this.embedder = embedder;
        this.capacity = capacity;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                return size() > SentenceEmbeddings.this.capacity;
            }
        };
    }

    /**
     * Vectors of {@code claims} (never cached: answers rarely repeat) followed by those of {@code context}
     * (cached by text), in that order; at most one call to the embedder, none when nothing is missing.
     */
    List<float[]> embed(List<String> claims, List<String> context) {
        float[][] contextVectors = new float[context.size()][];
        List<String> missing = new ArrayList<>(claims);
        List<Integer> missingContext = new ArrayList<>();
        synchronized (cache) {
            for (int i = 0; i < context.size(); i++) {
                contextVectors[i] = cache.get(context.get(i));
                if (contextVectors[i] == null) {
                    missingContext.add(i);
                }
            }
        }
        // The same sentence may occur in two passages: embed it once.
        Map<String, Integer> position = new LinkedHashMap<>();
        for (int i : missingContext) {
            position.computeIfAbsent(context.get(i), text -> {
                missing.add(text);
                return missing.size() - 1;
            });
        }
        List<float[]> vectors = missing.isEmpty() ? List.of() : embedder.embedAll(missing);
        if (vectors.size() != missing.size()) {
            throw new IllegalStateException(embedder.modelName() + " returned " + vectors.size() + " vectors for " + missing.size() + " texts");
        }
        for (int i : missingContext) {
            contextVectors[i] = vectors.get(position.get(context.get(i)));
        }
        if (capacity > 0 && !position.isEmpty()) {
            synchronized (cache) {
                position.forEach((text, at) -> cache.put(text, vectors.get(at)));
            }
        }
        List<float[]> out = new ArrayList<>(claims.size() + context.size());
        out.addAll(vectors.subList(0, claims.size()));
        out.addAll(List.of(contextVectors));
        return out;
    }

    int cached() {
        synchronized (cache) {
            return cache.size();
        }
    }
}
