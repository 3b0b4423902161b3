package io.streamrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrag.events.DocumentSubmitted;
import io.streamrag.ingest.DocumentProcessor;
import io.streamrag.ingest.IngestRejection;
import io.streamrag.platform.text.Languages;
import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchMode;
import io.streamrag.platform.vector.SearchRequest;
import io.streamrag.platform.vector.VectorStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Retrieval quality measured on what the ingest stream would index: the corpus goes through the stream's own
 * {@link DocumentProcessor} (extractor, chunker, embedder) into a store, and each question runs the hybrid search
 * the query stream uses. Chunk hits are collapsed to documents in rank order.
 */
final class RetrievalEvaluation {

    static final String TENANT = "eval";

    /** One question of the dataset and where its first expected document ranked (0: not in the top k). */
    record Result(String question, String language, Set<String> expected, List<String> retrieved, int rank) {
    }

    /** All metrics, per language too, and every question's result. */
    record Report(RetrievalMetrics all, Map<String, RetrievalMetrics> byLanguage, List<Result> results, int documents, int chunks) {
    }

    private final DocumentProcessor processor;
    private final VectorStore store;
    private final SearchMode mode;

    RetrievalEvaluation(DocumentProcessor processor, VectorStore store, SearchMode mode) {
        this.processor = processor;
        this.store = store;
        this.mode = mode;
    }

    /** Indexes every readable file under {@code corpus}: doc id = file name without extension. Returns the chunk count. */
    int index(Path corpus, List<String> problems) {
        int chunks = 0;
        for (Path file : SourceDocuments.expand(List.of(corpus), skipped -> problems.add("skipped " + skipped))) {
            DocumentSubmitted doc = SourceDocuments.fromFile(file, TENANT, null, 1L, List.of());
            try {
                var processed = processor.process(doc);
                store.upsert(processed.chunks());
                chunks += processed.chunks().size();
            } catch (IngestRejection e) {
                problems.add(file.getFileName() + ": " + e.getMessage());
            }
        }
        return chunks;
    }

    Report evaluate(Path corpus, Path dataset, int k) {
        List<String> problems = new ArrayList<>();
        int chunks = index(corpus, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the corpus did not index cleanly: " + problems);
        }
        int documents = SourceDocuments.expand(List.of(corpus), p -> { }).size();
        RetrievalMetrics all = new RetrievalMetrics();
        Map<String, RetrievalMetrics> byLanguage = new TreeMap<>();
        List<Result> results = new ArrayList<>();
        for (Question q : readDataset(dataset)) {
            List<String> retrieved = search(q.text(), k);
            String language = Languages.detect(q.text());
            int rank = all.add(retrieved, q.expected());
            byLanguage.computeIfAbsent(language, l -> new RetrievalMetrics()).add(retrieved, q.expected());
            results.add(new Result(q.text(), language, q.expected(), retrieved, rank));
        }
        return new Report(all, byLanguage, results, documents, chunks);
    }

    /** The top k documents for a question: a chunk search (hybrid unless measuring one side alone), collapsed to documents in rank order. */
    List<String> search(String question, int k) {
        // several chunks of one document can lead the list: ask for enough chunks to fill k documents
        int candidates = Math.max(20, k * 4);
        float[] vector = mode == SearchMode.KEYWORD ? null : processor.embedder().embed(question);
        List<ScoredChunk> hits = store.search(new SearchRequest(TENANT, Set.of(), question, vector, candidates, mode));
        LinkedHashSet<String> docs = new LinkedHashSet<>();
        for (ScoredChunk hit : hits) {
            docs.add(hit.chunk().docId());
            if (docs.size() == k) {
                break;
            }
        }
        return List.copyOf(docs);
    }

    private record Question(String text, Set<String> expected) {
    }

    private static List<Question> readDataset(Path dataset) {
        List<Question> questions = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(dataset, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dataset, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode node = Json.MAPPER.readTree(line);
                String text = node.path("question").asText("");
                Set<String> expected = new LinkedHashSet<>();
                node.path("expected_doc_ids").forEach(id -> expected.add(id.asText()));
                if (text.isBlank() || expected.isEmpty()) {
                    throw new IllegalArgumentException("needs \"question\" and a non-empty \"expected_doc_ids\"");
                }
                questions.add(new Question(text, Set.copyOf(expected)));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(dataset + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return questions;
    }
}
