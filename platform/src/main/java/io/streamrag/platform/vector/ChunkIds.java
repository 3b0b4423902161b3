package io.streamrag.platform.vector;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Deterministic identities of documents and chunks, so a redelivered record overwrites instead of duplicating. */
public final class ChunkIds {

    private ChunkIds() {
    }

    /** The record key of a document: {@code <tenant>/<docId>}. Tenants never contain '/'. */
    public static String documentKey(String tenant, String docId) {
        return tenant + "/" + docId;
    }

    /** {@code <tenant>/<docId>#<ordinal>}: stable across versions, so a new version overwrites its predecessor's chunks. */
    public static String chunkId(String tenant, String docId, int ordinal) {
        return documentKey(tenant, docId) + "#" + ordinal;
    }

    /** A name-based UUID of a chunk id, for stores that want UUIDs (Weaviate). */
    public static UUID uuidOf(String chunkId) {
        return UUID.nameUUIDFromBytes(chunkId.getBytes(StandardCharsets.UTF_8));
    }

    /** Splits a document key into tenant and doc id; null when it has no '/'. */
    public static String[] splitDocumentKey(String key) {
        int slash = key == null ? -1 : key.indexOf('/');
        return slash <= 0 || slash == key.length() - 1 ? null : new String[]{key.substring(0, slash), key.substring(slash + 1)};
    }
}
