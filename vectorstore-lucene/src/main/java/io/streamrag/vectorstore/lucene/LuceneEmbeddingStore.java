package io.streamrag.vectorstore.lucene;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermInSetQuery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import static io.streamrag.vectorstore.lucene.ChunkDocuments.Entry;
import static io.streamrag.vectorstore.lucene.ChunkDocuments.UID;
import static io.streamrag.vectorstore.lucene.ChunkDocuments.uid;

/**
 * The Lucene index seen as a langchain4j {@link EmbeddingStore} of one tenant and one requester's ACL groups.
 * Every operation, removals included, stays inside that scope. An entry's id is its chunk id; entries added here
 * carry no ACL groups (visible to the whole tenant) and their id as doc id. Chunks written through
 * {@link LuceneVectorStore#upsert} are found here too, with their text and metadata.
 *
 * <p>Search is by vector; scores are langchain4j relevance scores, {@code (1 + cosine) / 2}.
 */
final class LuceneEmbeddingStore implements EmbeddingStore<TextSegment> {

    private final LuceneVectorStore store;
    private final String tenant;
    private final Set<String> aclGroups;

    LuceneEmbeddingStore(LuceneVectorStore store, String tenant, Set<String> aclGroups) {
        this.store = Objects.requireNonNull(store, "store");
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.aclGroups = Set.copyOf(aclGroups);
    }

    @Override
    public String add(Embedding embedding) {
        return add(embedding, null);
    }

    @Override
    public void add(String id, Embedding embedding) {
        addAll(List.of(id), List.of(embedding), null);
    }

    @Override
    public String add(Embedding embedding, TextSegment segment) {
        String id = UUID.randomUUID().toString();
        addAll(List.of(id), List.of(embedding), segment == null ? null : List.of(segment));
        return id;
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
        return addAll(embeddings, null);
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings, List<TextSegment> segments) {
        List<String> ids = generateIds(embeddings.size());
        addAll(ids, embeddings, segments);
        return ids;
    }

    @Override
    public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
        if (ids.size() != embeddings.size() || (segments != null && segments.size() != embeddings.size())) {
            throw new IllegalArgumentException("ids, embeddings and segments must have the same size");
        }
        List<Entry> entries = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("an embedding id must not be blank");
            }
            TextSegment segment = segments == null ? null : segments.get(i);
            Map<String, Object> metadata = segment == null ? Map.of() : segment.metadata().toMap();
            entries.add(new Entry(tenant, id, id, 0, 0, null, segment == null ? null : segment.text(),
                    List.of(), metadata, embeddings.get(i).vector()));
        }
        store.write(entries);
    }

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        Query filter = within(request.filter() == null ? null : FilterQueries.toQuery(request.filter()));
        return store.withSearcher(searcher -> {
            ScoreDoc[] hits = store.vectorHits(searcher, request.queryEmbedding().vector(), filter,
                    request.maxResults());
            List<Entry> entries = LuceneVectorStore.load(searcher, hits);
            List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>();
            for (int i = 0; i < hits.length; i++) {
                double score = hits[i].score;
                if (score < request.minScore()) {
                    break; // best first: the rest score lower
                }
                Entry entry = entries.get(i);
                TextSegment segment = entry.text() == null ? null
                        : TextSegment.from(entry.text(), Metadata.from(entry.metadata()));
                matches.add(new EmbeddingMatch<>(score, entry.chunkId(),
                        entry.vector() == null ? null : Embedding.from(entry.vector()), segment));
            }
            return new EmbeddingSearchResult<>(matches);
        });
    }

    @Override
    public void remove(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        removeAll(List.of(id));
    }

    @Override
    public void removeAll(Collection<String> ids) {
        if (ids == null || ids.isEmpty()) {
            throw new IllegalArgumentException("ids must not be empty");
        }
        store.delete(within(new TermInSetQuery(UID, ids.stream().map(id -> uid(tenant, id).bytes())
                .toList())));
    }

    @Override
    public void removeAll(Filter filter) {
        if (filter == null) {
            throw new IllegalArgumentException("filter must not be null");
        }
        store.delete(within(FilterQueries.toQuery(filter)));
    }

    @Override
    public void removeAll() {
        store.delete(within(null));
    }

    /** The query restricted to this view's tenant and ACL groups. */
    private Query within(Query query) {
        Query scope = LuceneVectorStore.scope(tenant, aclGroups);
        if (query == null) {
            return scope;
        }
        return new BooleanQuery.Builder().add(scope, Occur.FILTER).add(query, Occur.FILTER).build();
    }

    @Override
    public String toString() {
        return "LuceneEmbeddingStore[tenant=" + tenant + ", groups=" + aclGroups + "]";
    }
}
