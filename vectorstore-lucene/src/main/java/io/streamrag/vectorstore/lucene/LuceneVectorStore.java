package io.streamrag.vectorstore.lucene;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingStore;
import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchRequest;
import io.streamrag.platform.vector.StoredChunk;
import io.streamrag.platform.vector.VectorStore;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.ko.KoreanAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.QueryBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.streamrag.vectorstore.lucene.ChunkDocuments.*;

/**
 * The embedded vector store: one Lucene index on local disk holding, per chunk, an HNSW vector, BM25 text under
 * an English and a Korean (nori) analyser, the tenant, ACL groups and metadata as filterable fields.
 *
 * <p>Writes are idempotent by chunk id within a tenant ({@code updateDocument} on a unique term) and visible to
 * searches when they return (the near-real-time reader is refreshed). Tenant and ACL filters run inside both
 * the kNN and the BM25 search, so a restricted chunk never takes a place in the top k. Hybrid search fuses the
 * two ranked lists by reciprocal rank fusion ({@link RankFusion}). Durable on {@link #commit()} and
 * {@link #close()}; a crash loses writes since the last commit, which a replay of the chunk log restores.
 * Thread-safe.
 */
public final class LuceneVectorStore implements VectorStore {

    /**
     * @param rrfK           reciprocal rank fusion constant
     * @param vectorWeight   weight of the kNN list in the fusion
     * @param keywordWeight  weight of the BM25 list in the fusion
     * @param minCandidates  HNSW candidates explored at least per search (more raises recall, costs time)
     * @param ramBufferMb    indexing buffer before a segment is flushed
     */
    public record Options(int rrfK, double vectorWeight, double keywordWeight, int minCandidates, double ramBufferMb) {

        public Options {
            if (rrfK < 1 || minCandidates < 1 || ramBufferMb <= 0 || vectorWeight < 0 || keywordWeight < 0) {
                throw new IllegalArgumentException("Lucene store options must be positive (weights non-negative)");
            }
        }

        public static Options defaults() {
            return new Options(60, 1.0, 1.0, 50, 64);
        }
    }

    private final Path path;
    private final Options options;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Analyzer englishAnalyzer = new EnglishAnalyzer();
    private final Analyzer koreanAnalyzer = new KoreanAnalyzer();
    private final AtomicBoolean closed = new AtomicBoolean();

    private LuceneVectorStore(Path path, Options options) throws IOException {
        this.path = path;
        this.options = options;
        Files.createDirectories(path);
        this.directory = FSDirectory.open(path);
        Analyzer perField = new PerFieldAnalyzerWrapper(new StandardAnalyzer(),
                Map.of(TEXT_EN, englishAnalyzer, TEXT_KO, koreanAnalyzer));
        IndexWriterConfig config = new IndexWriterConfig(perField)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setRAMBufferSizeMB(options.ramBufferMb());
        try {
            this.writer = new IndexWriter(directory, config);
            this.searchers = new SearcherManager(writer, null);
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    /** Opens (or creates) the index in {@code dir}; a reopened index holds every chunk committed before. */
    public static LuceneVectorStore open(Path dir) {
        return open(dir, Options.defaults());
    }

    public static LuceneVectorStore open(Path dir, Options options) {
        try {
            return new LuceneVectorStore(dir, options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the Lucene index at " + dir, e);
        }
    }

    /** A langchain4j view of this index for one tenant, seeing only chunks without ACL groups. */
    public EmbeddingStore<TextSegment> asEmbeddingStore(String tenant) {
        return asEmbeddingStore(tenant, Set.of());
    }

    /** A langchain4j view of this index for one tenant and a requester in {@code aclGroups}. */
    public EmbeddingStore<TextSegment> asEmbeddingStore(String tenant, Set<String> aclGroups) {
        return new LuceneEmbeddingStore(this, tenant, aclGroups);
    }

    @Override
    public void upsert(Collection<StoredChunk> chunks) {
        write(chunks.stream().map(Entry::of).toList());
    }

    void write(List<Entry> entries) {
        ensureOpen();
        for (Entry entry : entries) {
            try {
                writer.updateDocument(uid(entry.tenant(), entry.chunkId()), toDocument(entry));
            } catch (IOException e) {
                throw new UncheckedIOException("Lucene upsert failed for chunk " + entry.chunkId(), e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Lucene upsert rejected chunk " + entry.chunkId() + ": "
                        + e.getMessage(), e);
            }
        }
        refresh();
    }

    @Override
    public long deleteDocument(String tenant, String docId) {
        Query query = new BooleanQuery.Builder()
                .add(new TermQuery(new Term(TENANT, tenant)), Occur.FILTER)
                .add(new TermQuery(new Term(DOC_ID, docId)), Occur.FILTER)
                .build();
        return delete(query);
    }

    @Override
    public void deleteChunks(String tenant, Collection<String> chunkIds) {
        if (chunkIds.isEmpty()) {
            return;
        }
        ensureOpen();
        try {
            writer.deleteDocuments(chunkIds.stream().map(id -> uid(tenant, id)).toArray(Term[]::new));
        } catch (IOException e) {
            throw new UncheckedIOException("Lucene delete failed for " + chunkIds.size() + " chunks of " + tenant, e);
        }
        refresh();
    }

    /** Deletes what the query matches; returns how many matched just before. */
    long delete(Query query) {
        ensureOpen();
        long count = withSearcher(searcher -> (long) searcher.count(query));
        try {
            writer.deleteDocuments(query);
        } catch (IOException e) {
            throw new UncheckedIOException("Lucene delete failed for " + query, e);
        }
        refresh();
        return count;
    }

    @Override
    public List<ScoredChunk> search(SearchRequest request) {
        Query scope = scope(request.tenant(), request.aclGroups());
        return withSearcher(searcher -> switch (request.mode()) {
            case VECTOR -> toChunks(searcher, vectorHits(searcher, request.vector(), scope, request.k()));
            case KEYWORD -> toChunks(searcher, keywordHits(searcher, request.text(), scope, request.k()));
            case HYBRID -> hybrid(searcher, request, scope);
        });
    }

    private List<ScoredChunk> hybrid(IndexSearcher searcher, SearchRequest request, Query scope) throws IOException {
        int candidates = Math.max(request.k(), options.minCandidates());
        ScoreDoc[] vector = vectorHits(searcher, request.vector(), scope, candidates);
        ScoreDoc[] keyword = keywordHits(searcher, request.text(), scope, candidates);
        List<RankFusion.Fused> fused = RankFusion.fuse(options.rrfK(), List.of(docs(vector), docs(keyword)),
                new double[]{options.vectorWeight(), options.keywordWeight()});
        ScoreDoc[] top = fused.stream().limit(request.k())
                .map(f -> new ScoreDoc(f.doc(), (float) f.score())).toArray(ScoreDoc[]::new);
        return toChunks(searcher, top);
    }

    /** kNN inside the filter; explores at least {@code minCandidates} so small k keep a high recall. */
    ScoreDoc[] vectorHits(IndexSearcher searcher, float[] vector, Query filter, int k) throws IOException {
        int candidates = Math.max(k, options.minCandidates());
        Query query = new KnnFloatVectorQuery(VECTOR, unitNorm(vector), candidates, filter);
        return searcher.search(query, k).scoreDocs;
    }

    /** BM25 over the English and the Korean field (a term may match either), inside the filter. */
    private ScoreDoc[] keywordHits(IndexSearcher searcher, String text, Query filter, int k) throws IOException {
        BooleanQuery.Builder lexical = new BooleanQuery.Builder();
        boolean any = false;
        for (var field : List.of(Map.entry(TEXT_EN, englishAnalyzer), Map.entry(TEXT_KO, koreanAnalyzer))) {
            Query q = new QueryBuilder(field.getValue()).createBooleanQuery(field.getKey(), text);
            if (q != null) {
                lexical.add(q, Occur.SHOULD);
                any = true;
            }
        }
        if (!any) {
            return new ScoreDoc[0]; // only stop words: nothing lexical to match
        }
        Query query = new BooleanQuery.Builder().add(lexical.build(), Occur.MUST).add(filter, Occur.FILTER).build();
        return searcher.search(query, k).scoreDocs;
    }

    /** The tenant, and chunks open to all of it or sharing a group with the requester. */
    static Query scope(String tenant, Set<String> groups) {
        BooleanQuery.Builder acl = new BooleanQuery.Builder()
                .add(new TermQuery(new Term(ACL_OPEN, YES)), Occur.SHOULD);
        if (!groups.isEmpty()) {
            acl.add(new TermInSetQuery(ACL, groups.stream().map(BytesRef::new).toList()), Occur.SHOULD);
        }
        return new BooleanQuery.Builder()
                .add(new TermQuery(new Term(TENANT, tenant)), Occur.FILTER)
                .add(acl.setMinimumNumberShouldMatch(1).build(), Occur.FILTER)
                .build();
    }

    private static int[] docs(ScoreDoc[] hits) {
        int[] docs = new int[hits.length];
        for (int i = 0; i < hits.length; i++) {
            docs[i] = hits[i].doc;
        }
        return docs;
    }

    private static List<ScoredChunk> toChunks(IndexSearcher searcher, ScoreDoc[] hits) throws IOException {
        List<ScoredChunk> chunks = new ArrayList<>(hits.length);
        for (Entry entry : load(searcher, hits)) {
            chunks.add(new ScoredChunk(entry.toStoredChunk(), hits[chunks.size()].score));
        }
        return chunks;
    }

    /** Stored fields and the vector of each hit, in hit order. */
    static List<Entry> load(IndexSearcher searcher, ScoreDoc[] hits) throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        Map<Integer, FloatVectorValues> vectorsByLeaf = new HashMap<>();
        var stored = searcher.storedFields();
        List<Entry> entries = new ArrayList<>(hits.length);
        for (ScoreDoc hit : hits) {
            Document doc = stored.document(hit.doc);
            int leafIndex = ReaderUtil.subIndex(hit.doc, leaves);
            LeafReaderContext leaf = leaves.get(leafIndex);
            FloatVectorValues values = vectorsByLeaf.get(leafIndex);
            if (values == null) {
                values = leaf.reader().getFloatVectorValues(VECTOR);
                if (values != null) {
                    vectorsByLeaf.put(leafIndex, values);
                }
            }
            entries.add(fromDocument(doc, vectorOf(values, hit.doc - leaf.docBase)));
        }
        return entries;
    }

    private static float[] vectorOf(FloatVectorValues values, int leafDoc) throws IOException {
        if (values == null) {
            return null;
        }
        // A fresh iterator per hit: hits are in score order, and doc iterators only move forward.
        KnnVectorValues.DocIndexIterator iterator = values.iterator();
        return iterator.advance(leafDoc) == leafDoc ? values.vectorValue(iterator.index()).clone() : null;
    }

    @Override
    public long count(String tenant) {
        return withSearcher(searcher -> (long) searcher.count(new TermQuery(new Term(TENANT, tenant))));
    }

    @Override
    public String name() {
        return "lucene";
    }

    /** Makes every write so far durable. */
    public void commit() {
        ensureOpen();
        try {
            writer.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("Lucene commit failed at " + path, e);
        }
    }

    /** Commits and releases the index (idempotent). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try (Directory d = directory; IndexWriter w = writer; SearcherManager s = searchers) {
            w.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("Lucene close failed at " + path, e);
        } finally {
            englishAnalyzer.close();
            koreanAnalyzer.close();
        }
    }

    @Override
    public String toString() {
        return "LuceneVectorStore[" + path + "]";
    }

    interface SearcherFunction<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    <T> T withSearcher(SearcherFunction<T> function) {
        ensureOpen();
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                return function.apply(searcher);
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Lucene search failed at " + path, e);
        }
    }

    private void refresh() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException("Lucene reader refresh failed at " + path, e);
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the Lucene store at " + path + " is closed");
        }
    }
}
