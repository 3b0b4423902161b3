package io.streamrag.platform.vector;

import java.util.Collection;
import java.util.List;

/**
 * The vector store port: chunks with their vectors, searched within one tenant and the requester's ACL groups.
 * Implementations are views rebuilt from {@code rag.chunk.embedded}; every write is idempotent by chunk id.
 * Adapters keep provider types (Lucene documents, Weaviate objects) inside.
 */
public interface VectorStore extends AutoCloseable {

    /** Inserts or replaces chunks by chunk id; visible to {@link #search} when this returns. */
    void upsert(Collection<StoredChunk> chunks);

    /** Removes every chunk of one document of one tenant; returns how many were removed when known, else -1. */
    long deleteDocument(String tenant, String docId);

    /** Removes chunks by id within a tenant (ids that do not exist are ignored). */
    void deleteChunks(String tenant, Collection<String> chunkIds);

    /** The best chunks for a request, best first, never outside the request's tenant and ACL groups. */
    List<ScoredChunk> search(SearchRequest request);

    /** Chunks stored for a tenant. */
    long count(String tenant);

    /** A short name for logs and telemetry: lucene, weaviate. */
    String name();

    @Override
    void close();
}
