package io.streamrag.ingest;

/**
 * How documents are processed, independent of Kafka: the size limit and the chunking. Shared by the stream and
 * by offline tools (eval, bench), so both cut and embed documents the same way.
 *
 * @param maxDocumentBytes   larger documents (UTF-8 bytes of their content) are rejected before extraction
 * @param chunkMaxTokens     estimated tokens per chunk, title included (MiniLM truncates at 128 word pieces)
 * @param chunkOverlapTokens trailing sentences of a chunk, up to this many tokens, start the next chunk
 * @param chunkTitlePrefix   whether each chunk's text starts with the document title (stored and embedded)
 */
public record IngestSettings(long maxDocumentBytes, int chunkMaxTokens, int chunkOverlapTokens, boolean chunkTitlePrefix) {

    public static final long DEFAULT_MAX_DOCUMENT_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_CHUNK_MAX_TOKENS = 200;
    public static final int DEFAULT_CHUNK_OVERLAP_TOKENS = 30;

    public IngestSettings {
        if (maxDocumentBytes < 1) {
            throw new IllegalArgumentException("maxDocumentBytes must be positive");
        }
        if (chunkMaxTokens < 16) {
            throw new IllegalArgumentException("chunkMaxTokens must be at least 16");
        }
        if (chunkOverlapTokens < 0 || chunkOverlapTokens >= chunkMaxTokens) {
            throw new IllegalArgumentException("chunkOverlapTokens must be from 0 to below chunkMaxTokens");
        }
    }

    public static IngestSettings defaults() {
        return new IngestSettings(DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_CHUNK_MAX_TOKENS, DEFAULT_CHUNK_OVERLAP_TOKENS, true);
    }

    public IngestSettings withMaxDocumentBytes(long bytes) {
        return new IngestSettings(bytes, chunkMaxTokens, chunkOverlapTokens, chunkTitlePrefix);
    }

    public Chunker chunker() {
        return new Chunker(chunkMaxTokens, chunkOverlapTokens, chunkTitlePrefix);
    }
}
