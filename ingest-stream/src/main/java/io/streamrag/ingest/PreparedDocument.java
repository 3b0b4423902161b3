package io.streamrag.ingest;

import java.util.List;
import java.util.Map;

/**
 * A validated document cut into chunk texts, not yet embedded. {@code chunkTexts} are exactly the texts that are
 * embedded and stored (title prefix included), so replaying them through another model reproduces the index.
 */
public record PreparedDocument(
        String documentKey,
        String tenant,
        String docId,
        long version,
        String title,
        String correlationId,
        List<String> aclGroups,
        Map<String, String> metadata,
        List<String> chunkTexts,
        long contentBytes,
        String language,
        long extractMs,
        long chunkMs) {

    public PreparedDocument {
        aclGroups = List.copyOf(aclGroups);
        metadata = Map.copyOf(metadata);
        chunkTexts = List.copyOf(chunkTexts);
    }
}
