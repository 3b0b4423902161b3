package io.streamrag.ingest;

import io.streamrag.platform.text.Tokens;
import io.streamrag.platform.vector.StoredChunk;

import java.util.List;

/**
 * A document ready to store: its chunks with vectors and deterministic ids ({@code <tenant>/<docId>#<ordinal>}),
 * the estimated tokens embedded (sum over chunks, overlap and title prefix included) and the time each stage took.
 */
public record ProcessedDocument(PreparedDocument source, List<StoredChunk> chunks, String embeddingModel, int dimensions,
                                long tokens, long embedMs) {

    public ProcessedDocument {
        chunks = List.copyOf(chunks);
    }

    public String documentKey() {
        return source.documentKey();
    }

    public String tenant() {
        return source.tenant();
    }

    public String docId() {
        return source.docId();
    }

    public long version() {
        return source.version();
    }

    public long extractMs() {
        return source.extractMs();
    }

    public long chunkMs() {
        return source.chunkMs();
    }

    /** Estimated tokens of one chunk's text. */
    public static int tokensOf(StoredChunk chunk) {
        return Tokens.estimate(chunk.text());
    }
}
