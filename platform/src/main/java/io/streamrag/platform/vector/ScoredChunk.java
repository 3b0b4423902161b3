package io.streamrag.platform.vector;

/** A search hit: the chunk and its score (higher is better; scale depends on the search mode). */
public record ScoredChunk(StoredChunk chunk, double score) {
}
