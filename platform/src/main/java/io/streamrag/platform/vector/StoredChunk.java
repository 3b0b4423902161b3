package io.streamrag.platform.vector;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A chunk as stored: identity, text, access control and its vector. */
public record StoredChunk(
        String chunkId,
        String tenant,
        String docId,
        long docVersion,
        int ordinal,
        String title,
        String text,
        List<String> aclGroups,
        Map<String, String> metadata,
        float[] vector) {

    public StoredChunk {
        Objects.requireNonNull(chunkId, "chunkId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(docId, "docId");
        Objects.requireNonNull(text, "text");
        aclGroups = aclGroups == null ? List.of() : List.copyOf(aclGroups);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Visible to a requester when the chunk has no ACL groups or shares one with the requester. */
    public boolean visibleTo(java.util.Set<String> requesterGroups) {
        return aclGroups.isEmpty() || aclGroups.stream().anyMatch(requesterGroups::contains);
    }
}
