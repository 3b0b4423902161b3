package io.streamrag.platform.vector;

/** How a search ranks: by vector similarity, by BM25 over the text, or both fused. */
public enum SearchMode {
    VECTOR, KEYWORD, HYBRID
}
