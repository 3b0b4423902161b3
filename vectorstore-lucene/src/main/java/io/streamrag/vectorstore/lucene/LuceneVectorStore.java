package io.streamrag.vectorstore.lucene;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingStore;
import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.text.Languages;
import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchRequest;
import io.streamrag.platform.vector.StoredChunk;
import io.streamrag.platform.vector.VectorStore;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.ko.KoreanAnalyzer;
import org.apache.lucene.analysis.ko.KoreanPartOfSpeechStopFilter;
import org.apache.lucene.analysis.ko.KoreanTokenizer;
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
import org.apache.lucene.search.BoostQuery;
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
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.streamrag.vectorstore.lucene.ChunkDocuments.*;

/**
 * The embedded vector store: one Lucene index on local disk holding, per chunk, an HNSW vector, BM25 text under
 * an English, a Korean (nori) and a Hangul character-bigram analyser, the tenant, ACL groups and metadata as
 * filterable fields.
 *
 * <p>Writes are idempotent by chunk id within a tenant ({@code updateDocument} on a unique term) and visible to
 * searches when they return (the near-real-time reader is reopened by the first search after a write). Tenant and ACL filters run inside both
 * the kNN and the BM25 search, so a restricted chunk never takes a place in the top k. Hybrid search fuses the
 * two candidate lists by their normalised scores ({@link HybridFusion}), weighing the vectors less for a Korean
 * question than for an English one ({@link Options#alphaKorean()}). Durable on {@link #commit()} and
 * {@link #close()}; a crash loses writes since the last commit, which a replay of the chunk log restores.
 * Thread-safe.
 */
public final class LuceneVectorStore implements VectorStore {

    /** How hybrid search merges its two lists; see {@link HybridFusion}. */
    public enum Fusion { RELATIVE_SCORE, RECIPROCAL_RANK }

    /** How nori splits compound nouns: keep the compound, keep only its parts, or keep both. */
    public enum Decompound { NONE, DISCARD, MIXED }

    /**
     * The store's tuning; {@link #defaults()} suits 384-dimensional sentence embeddings.
     *
     * @param fusion        how hybrid search merges the kNN and BM25 lists
     * @param alpha         weight of the vector side in hybrid search, 0 (BM25 only) to 1 (vectors only)
     * @param rrfK          reciprocal rank fusion constant (only for {@link Fusion#RECIPROCAL_RANK})
     * @param minCandidates candidates each side of a search collects at least (HNSW beam; fusion pool)
     * @param ramBufferMb   indexing buffer before a segment is flushed
     * @param alphaKorean   weight of the vector side for a question detected as Korean: an English-centric
     *                      embedding model ranks Korean text close to random, so its vote should weigh less
     * @param hangulBigramWeight weight of the Hangul character-bigram field in BM25 (0 = field not queried)
     * @param decompound    nori's treatment of compound nouns in the Korean field
     */
    public record Options(Fusion fusion, double alpha, int rrfK, int minCandidates, double ramBufferMb,
                          double alphaKorean, double hangulBigramWeight, Decompound decompound) {

        public static final List<ConfigKey> KEYS = List.of(
                ConfigKey.of("vectorstore.lucene.fusion", "relative-score",
                        "Hybrid fusion of the kNN and BM25 lists: relative-score (min-max normalised scores) or reciprocal-rank."),
                ConfigKey.of("vectorstore.lucene.hybrid.alpha", String.valueOf(DEFAULT_ALPHA),
                        "Weight of the vector side in hybrid search (0 = BM25 only, 1 = vectors only)."),
                ConfigKey.of("vectorstore.lucene.hybrid.alpha.ko", String.valueOf(DEFAULT_ALPHA_KOREAN),
                        "Weight of the vector side in hybrid search for a question detected as Korean."),
                ConfigKey.of("vectorstore.lucene.rrf.k", "60", "Reciprocal rank fusion constant (fusion=reciprocal-rank)."),
                ConfigKey.of("vectorstore.lucene.candidates", "50",
                        "Candidates each side of a search collects at least: HNSW beam width and hybrid fusion pool."),
                ConfigKey.of("vectorstore.lucene.ram.buffer.mb", "64", "Indexing buffer before Lucene flushes a segment."),
                ConfigKey.of("vectorstore.lucene.hangul.bigram.weight", String.valueOf(DEFAULT_BIGRAM_WEIGHT),
                        "Weight of the Hangul character-bigram field in BM25 (0 = not queried)."),
                ConfigKey.of("vectorstore.lucene.nori.decompound", DEFAULT_DECOMPOUND.name().toLowerCase(java.util.Locale.ROOT),
                        "Korean compound nouns in the nori field: none (compound only), discard (parts only) or mixed (both)."));

        public Options {
            Objects.requireNonNull(fusion, "fusion");
            Objects.requireNonNull(decompound, "decompound");
            if (alpha < 0 || alpha > 1 || alphaKorean < 0 || alphaKorean > 1) {
                throw new IllegalArgumentException("alpha and alphaKorean must be between 0 and 1, not " + alpha
                        + " and " + alphaKorean);
            }
            if (rrfK < 1 || minCandidates < 1 || ramBufferMb <= 0) {
                throw new IllegalArgumentException("rrfK, minCandidates and ramBufferMb must be positive");
            }
            if (hangulBigramWeight < 0) {
                throw new IllegalArgumentException("hangulBigramWeight must not be negative, not " + hangulBigramWeight);
            }
        }

        /** The original tuning with the default Korean handling. */
        public Options(Fusion fusion, double alpha, int rrfK, int minCandidates, double ramBufferMb) {
            this(fusion, alpha, rrfK, minCandidates, ramBufferMb, DEFAULT_ALPHA_KOREAN, DEFAULT_BIGRAM_WEIGHT,
                    DEFAULT_DECOMPOUND);
        }

        public static Options defaults() {
            return new Options(Fusion.RELATIVE_SCORE, DEFAULT_ALPHA, 60, 50, 64);
        }

        /** Reads the keys; on a bad value returns the defaults, leaving the problem to {@code config.validate()}. */
        public static Options from(ConfigReader config) {
            int problemsBefore = config.problems().size();
            Fusion fusion = config.choice("vectorstore.lucene.fusion", Fusion.class);
            double alpha = config.decimal("vectorstore.lucene.hybrid.alpha", 0, 1);
            double alphaKorean = config.decimal("vectorstore.lucene.hybrid.alpha.ko", 0, 1);
            int rrfK = config.integer("vectorstore.lucene.rrf.k", 1, 10_000);
            int candidates = config.integer("vectorstore.lucene.candidates", 1, 10_000);
            double ramBufferMb = config.decimal("vectorstore.lucene.ram.buffer.mb", 1, 16_384);
            double bigramWeight = config.decimal("vectorstore.lucene.hangul.bigram.weight", 0, 100);
            Decompound decompound = config.choice("vectorstore.lucene.nori.decompound", Decompound.class);
            return config.problems().size() > problemsBefore ? defaults()
                    : new Options(fusion, alpha, rrfK, candidates, ramBufferMb, alphaKorean, bigramWeight, decompound);
        }

        /** The vector weight for this question: lower for Korean, which the embedding model ranks poorly. */
        double alphaFor(String question) {
            return "ko".equals(Languages.detect(question)) ? alphaKorean : alpha;
        }
    }

    /*
     * Defaults from the measured reliability of each signal on a bilingual set (MRR above the chance level of
     * ranking a document of the question's language, ~0.2): MiniLM vectors 0.91 for English, 0.09 for Korean;
     * BM25 0.75 for English, 0.89 for Korean. The vectors' share of the sum is 0.55 for English and 0.09 for
     * Korean; see docs/vectorstore-lucene.md for the figures.
     */
    static final double DEFAULT_ALPHA = 0.6;
    static final double DEFAULT_ALPHA_KOREAN = 0.1;
    static final double DEFAULT_BIGRAM_WEIGHT = 1.0;
    static final Decompound DEFAULT_DECOMPOUND = Decompound.DISCARD;

    private final Path path;
    private final Options options;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Analyzer englishAnalyzer = new EnglishAnalyzer();
    private final Analyzer koreanAnalyzer;
    private final Analyzer hangulBigramAnalyzer = new HangulBigramAnalyzer();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Writes finished, and how many of them the current reader is known to include. */
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong refreshedWrites = new AtomicLong();

    private LuceneVectorStore(Path path, Options options) throws IOException {
        this.path = path;
        this.options = options;
        this.koreanAnalyzer = new KoreanAnalyzer(null, switch (options.decompound()) {
            case NONE -> KoreanTokenizer.DecompoundMode.NONE;
            case DISCARD -> KoreanTokenizer.DecompoundMode.DISCARD;
            case MIXED -> KoreanTokenizer.DecompoundMode.MIXED;
        }, KoreanPartOfSpeechStopFilter.DEFAULT_STOP_TAGS, false);
        Files.createDirectories(path);
        this.directory = FSDirectory.open(path);
        Analyzer perField = new PerFieldAnalyzerWrapper(new StandardAnalyzer(),
                Map.of(TEXT_EN, englishAnalyzer, TEXT_KO, koreanAnalyzer, TEXT_KO_BIGRAM, hangulBigramAnalyzer));
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
        written();
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
        written();
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
        written();
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
        float[] query = unitNorm(request.vector());
        ScoreDoc[] vector = vectorHits(searcher, query, scope, candidates);
        ScoreDoc[] keyword = keywordHits(searcher, request.text(), scope, candidates);
        double alpha = options.alphaFor(request.text());
        List<HybridFusion.Fused> fused = switch (options.fusion()) {
            case RELATIVE_SCORE -> HybridFusion.relativeScore(
                    similarities(searcher, query, vector, keyword), scores(keyword), alpha);
            case RECIPROCAL_RANK -> HybridFusion.reciprocalRank(options.rrfK(), List.of(docs(vector), docs(keyword)),
                    new double[]{alpha, 1 - alpha});
        };
        ScoreDoc[] top = fused.stream().limit(request.k())
                .map(f -> new ScoreDoc(f.doc(), (float) f.score())).toArray(ScoreDoc[]::new);
        return toChunks(searcher, top);
    }

    /** Vector scores of the kNN hits, plus the exact similarity of keyword hits the kNN list did not hold. */
    private static Map<Integer, Double> similarities(IndexSearcher searcher, float[] query, ScoreDoc[] vector,
                                                     ScoreDoc[] keyword) throws IOException {
        Map<Integer, Double> similarities = scores(vector);
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        for (ScoreDoc hit : keyword) {
            if (!similarities.containsKey(hit.doc)) {
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
                float[] v = vectorOf(leaf.reader().getFloatVectorValues(VECTOR), hit.doc - leaf.docBase);
                // the same scale as Lucene's kNN scores; a chunk without a vector ranks below every other
                similarities.put(hit.doc, v == null ? 0.0 : (double) SIMILARITY.compare(query, v));
            }
        }
        return similarities;
    }

    private static Map<Integer, Double> scores(ScoreDoc[] hits) {
        Map<Integer, Double> scores = new HashMap<>();
        for (ScoreDoc hit : hits) {
            scores.put(hit.doc, (double) hit.score);
        }
        return scores;
    }

    /** kNN inside the filter; explores at least {@code minCandidates} so small k keep a high recall. */
    ScoreDoc[] vectorHits(IndexSearcher searcher, float[] vector, Query filter, int k) throws IOException {
        int candidates = Math.max(k, options.minCandidates());
        Query query = new KnnFloatVectorQuery(VECTOR, unitNorm(vector), candidates, filter);
        return searcher.search(query, k).scoreDocs;
    }

    /**
     * BM25 summed over the English field, the nori field and (weighted) the Hangul bigram field; any term may
     * match. The bigram field lets a paraphrase match on part of a compound or stem nori analysed differently.
     */
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
        if (options.hangulBigramWeight() > 0) {
            Query q = new QueryBuilder(hangulBigramAnalyzer).createBooleanQuery(TEXT_KO_BIGRAM, text);
            if (q != null) {
                lexical.add(new BoostQuery(q, (float) options.hangulBigramWeight()), Occur.SHOULD);
                any = true;
            }
        }
        if (!any) {
            return new ScoreDoc[0]; // only stop words: nothing lexical to match
        }
        Query combined = lexical.build();
        Query query = new BooleanQuery.Builder().add(combined, Occur.MUST).add(filter, Occur.FILTER).build();
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
            hangulBigramAnalyzer.close();
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
            refreshIfWritten();
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

    /** Counts a finished write; the reader is reopened by the next search, not here (see {@link #refreshIfWritten()}). */
    private void written() {
        writes.incrementAndGet();
    }

    /**
     * Reopens the near-real-time reader when a write finished since the last reopen. Reopening flushes a new
     * segment, so doing it after every write makes an ingest of many small documents flush (and later merge) one
     * tiny segment per document; reopening on the next read keeps "visible when the write returns" while a burst of
     * writes without reads costs no reopen at all. The reopen sees every write counted before it started.
     */
    private void refreshIfWritten() throws IOException {
        long seen = writes.get();
        if (refreshedWrites.get() < seen) {
            searchers.maybeRefreshBlocking();
            refreshedWrites.accumulateAndGet(seen, Math::max);
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the Lucene store at " + path + " is closed");
        }
    }
}
