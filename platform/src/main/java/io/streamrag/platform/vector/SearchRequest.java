package io.streamrag.platform.vector;

import java.util.Objects;
import java.util.Set;

/**
 * A search within one tenant. {@code aclGroups} are the requester's groups: chunks restricted to other groups
 * are never returned. {@code text} feeds the lexical side, {@code vector} the semantic side.
 */
public record SearchRequest(String tenant, Set<String> aclGroups, String text, float[] vector, int k, SearchMode mode) {

    public SearchRequest {
        Objects.requireNonNull(tenant, "tenant");
        aclGroups = aclGroups == null ? Set.of() : Set.copyOf(aclGroups);
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1");
        }
        if (mode != SearchMode.KEYWORD && vector == null) {
            throw new IllegalArgumentException(mode + " search needs a query vector");
        }
        if (mode != SearchMode.VECTOR && (text == null || text.isBlank())) {
            throw new IllegalArgumentException(mode + " search needs query text");
        }
    }

    public static SearchRequest hybrid(String tenant, Set<String> groups, String text, float[] vector, int k) {
        return new SearchRequest(tenant, groups, text, vector, k, SearchMode.HYBRID);
    }
}
