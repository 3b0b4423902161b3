package io.streamrag.query.governance;

import io.streamrag.events.Citation;
import io.streamrag.platform.vector.Vectors;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers already given, per tenant, template version and ACL groups, found by question embedding: a question whose
 * cosine similarity to a cached one reaches the threshold gets that answer without retrieval or an LLM call.
 *
 * <p>Staleness: every change to a tenant's documents ({@code rag.document.ingested}, read by every instance)
 * {@link #invalidate}s the tenant: its entries go, and its generation moves on, so an answer computed from the old
 * documents while the change arrived is not stored either. The cache is in memory, per instance: a restart starts
 * empty, so it can never serve an answer older than the documents it has seen. The ACL groups are part of the scope
 * because an answer drawn from restricted documents must not reach a requester outside those groups.
 */
public final class SemanticCache {

    /** What a hit returns: the answer as it left the output guard, and the tokens its first computation cost. */
    public record Cached(String answer, Map<String, String> fields, List<Citation> citations, String provider,
                         String model, long tokens, Double groundedness) {
    }

    private record Entry(float[] vector, long storedAtMs, Cached cached) {
    }

    private final double threshold;
    private final int maxEntriesPerScope;
    private final long ttlMs;
    private final Map<String, Long> generations = new ConcurrentHashMap<>();
    private final Map<String, Deque<Entry>> scopes = new ConcurrentHashMap<>();

    public SemanticCache(double threshold, int maxEntriesPerScope, long ttlMs) {
        this.threshold = threshold;
        this.maxEntriesPerScope = maxEntriesPerScope;
        this.ttlMs = ttlMs;
    }

    public static String scope(String tenant, String templateId, int templateVersion, List<? extends CharSequence> aclGroups) {
        TreeSet<String> groups = new TreeSet<>();
        aclGroups.forEach(g -> groups.add(g.toString()));
        return tenant + '\u0000' + templateId + '@' + templateVersion + '\u0000' + String.join(",", groups);
    }

    /** The tenant's documents generation; an entry is stored only if the generation did not move meanwhile. */
    public long generation(String tenant) {
        return generations.getOrDefault(tenant, 0L);
    }

    public Optional<Cached> find(String scope, float[] question, long nowMs) {
        Deque<Entry> entries = scopes.get(scope);
        if (entries == null) {
            return Optional.empty();
        }
        float[] q = Vectors.normalize(question);
        synchronized (entries) {
            entries.removeIf(e -> nowMs - e.storedAtMs() > ttlMs);
            Entry best = null;
            double bestScore = threshold;
            for (Entry e : entries) {
                double s = Vectors.dot(q, e.vector());
                if (s >= bestScore) {
                    best = e;
                    bestScore = s;
                }
            }
            return Optional.ofNullable(best).map(Entry::cached);
        }
    }

    public void put(String tenant, String scope, long generationAtStart, float[] question, Cached cached, long nowMs) {
        Deque<Entry> entries = scopes.computeIfAbsent(scope, s -> new ArrayDeque<>());
        synchronized (entries) {
            if (generation(tenant) != generationAtStart) {
                return;   // the tenant's documents changed while this answer was computed
            }
            entries.addLast(new Entry(Vectors.normalize(question), nowMs, cached));
            while (entries.size() > maxEntriesPerScope) {
                entries.removeFirst();
            }
        }
    }

    /** A document of the tenant changed: forget its answers. */
    public void invalidate(String tenant) {
        generations.merge(tenant, 1L, Long::sum);
        String prefix = tenant + '\u0000';
        scopes.keySet().removeIf(k -> k.startsWith(prefix));
    }
}
