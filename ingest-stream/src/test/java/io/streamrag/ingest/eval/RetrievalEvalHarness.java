package io.streamrag.ingest.eval;

import io.streamrag.ingest.Chunker;
import io.streamrag.ingest.IngestSettings;
import io.streamrag.ingest.TextExtractor;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.text.Languages;
import io.streamrag.platform.vector.ChunkIds;
import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchMode;
import io.streamrag.platform.vector.SearchRequest;
import io.streamrag.platform.vector.StoredChunk;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;
import io.streamrag.vectorstore.lucene.LuceneVectorStore.Decompound;
import io.streamrag.vectorstore.lucene.LuceneVectorStore.Fusion;
import io.streamrag.vectorstore.lucene.LuceneVectorStore.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Retrieval quality of the Lucene store over a folder {@code corpus/} and question files (JSON lines
 * {@code {"question": ..., "expected_doc_ids": [...]}}), chunked and embedded as the ingest stream does, per
 * question language. Run with {@code -Dretrieval.eval.dir=<folder> -Dretrieval.eval.questions=a.jsonl,b.jsonl}.
 */
@EnabledIfSystemProperty(named = "retrieval.eval.dir", matches = ".+")
class RetrievalEvalHarness {

    private static final Pattern QUESTION = Pattern.compile("\"question\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern EXPECTED = Pattern.compile("\"expected_doc_ids\"\\s*:\\s*\\[([^]]*)]");

    record Question(String text, Set<String> expected, String language) {
    }

    @Test
    void report(@TempDir Path tmp) throws Exception {
        Path dir = Path.of(System.getProperty("retrieval.eval.dir"));
        Embedder embedder = Embedders.miniLm(32, 2);
        Chunker chunker = IngestSettings.defaults().chunker();
        List<StoredChunk> chunks = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String[]> meta = new ArrayList<>();
        try (var files = Files.list(dir.resolve("corpus"))) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                String docId = name.substring(0, name.lastIndexOf('.'));
                TextExtractor.Format format = name.endsWith(".md") ? TextExtractor.Format.MARKDOWN
                        : name.endsWith(".html") ? TextExtractor.Format.HTML : TextExtractor.Format.PLAIN;
                TextExtractor.Extracted extracted = TextExtractor.extract(format, Files.readString(file));
                String title = extracted.title().orElse(null);
                for (String text : chunker.chunk(title, extracted.text())) {
                    texts.add(text);
                    meta.add(new String[]{docId, title});
                }
            }
        }
        List<float[]> vectors = embedder.embedAll(texts);
        for (int i = 0; i < texts.size(); i++) {
            String docId = meta.get(i)[0];
            int ordinal = (int) meta.subList(0, i).stream().filter(m -> m[0].equals(docId)).count();
            chunks.add(new StoredChunk(ChunkIds.chunkId("eval", docId, ordinal), "eval", docId, 1, ordinal,
                    meta.get(i)[1], texts.get(i), List.of(), Map.of(), vectors.get(i)));
        }
        Map<String, List<Question>> sets = new LinkedHashMap<>();
        for (String file : System.getProperty("retrieval.eval.questions", "questions.jsonl").split(",")) {
            List<Question> questions = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve(file))) {
                Matcher q = QUESTION.matcher(line);
                Matcher e = EXPECTED.matcher(line);
                if (q.find() && e.find()) {
                    String text = q.group(1).replace("\\\"", "\"");
                    Set<String> expected = new LinkedHashSet<>();
                    for (String id : e.group(1).split(",")) {
                        expected.add(id.strip().replace("\"", ""));
                    }
                    questions.add(new Question(text, expected, Languages.detect(text)));
                }
            }
            sets.put(file, questions);
        }
        Map<String, float[]> questionVectors = new LinkedHashMap<>();
        for (List<Question> questions : sets.values()) {
            List<String> qs = questions.stream().map(Question::text).toList();
            List<float[]> vs = embedder.embedAll(qs);
            for (int i = 0; i < qs.size(); i++) {
                questionVectors.put(qs.get(i), vs.get(i));
            }
        }
        System.out.println("chunks=" + chunks.size());

        Map<String, Options> configs = new LinkedHashMap<>();
        String grid = System.getProperty("retrieval.eval.grid", "");
        configs.put("baseline", new Options(Fusion.RELATIVE_SCORE, 0.5, 60, 50, 64, 0.5, 0, Decompound.DISCARD));
        for (String spec : grid.split(";")) {
            if (spec.isBlank()) {
                continue;
            }
            // alpha/alphaKo/bigram/decompound
            String[] p = spec.split("/");
            configs.put(spec, new Options(Fusion.RELATIVE_SCORE, Double.parseDouble(p[0]), 60, 50, 64,
                    Double.parseDouble(p[1]), Double.parseDouble(p[2]), Decompound.valueOf(p[3])));
        }
        configs.put("defaults", Options.defaults());
        int run = 0;
        for (var config : configs.entrySet()) {
            Options options = config.getValue();
            try (LuceneVectorStore store = LuceneVectorStore.open(tmp.resolve("i" + run++), options)) {
                store.upsert(chunks);
                for (SearchMode mode : config.getKey().equals("baseline") || config.getKey().equals("defaults")
                        ? List.of(SearchMode.VECTOR, SearchMode.KEYWORD, SearchMode.HYBRID) : List.of(SearchMode.HYBRID)) {
                    StringBuilder line = new StringBuilder(String.format("%-22s %-7s", config.getKey(), mode));
                    for (var set : sets.entrySet()) {
                        for (String lang : List.of("en", "ko")) {
                            double h1 = 0, h5 = 0, mrr = 0;
                            int n = 0;
                            for (Question q : set.getValue()) {
                                if (!q.language().equals(lang)) {
                                    continue;
                                }
                                n++;
                                List<ScoredChunk> hits = store.search(new SearchRequest("eval", Set.of(), q.text(),
                                        questionVectors.get(q.text()), 40, mode));
                                List<String> docs = hits.stream().map(h -> h.chunk().docId()).distinct().toList();
                                int rank = 0;
                                for (int i = 0; i < docs.size(); i++) {
                                    if (q.expected().contains(docs.get(i))) {
                                        rank = i + 1;
                                        break;
                                    }
                                }
                                if (rank == 1) h1++;
                                if (rank >= 1 && rank <= 5) h5++;
                                if (rank >= 1) mrr += 1.0 / rank;
                                if (rank != 1 && System.getProperty("retrieval.eval.misses") != null
                                        && mode == SearchMode.HYBRID) {
                                    System.out.println("   MISS " + config.getKey() + " rank=" + rank + " " + q.text()
                                            + " -> " + docs.subList(0, Math.min(3, docs.size())));
                                }
                            }
                            line.append(String.format(" | %s %s n=%d h1=%.3f h5=%.3f mrr=%.3f",
                                    Path.of(set.getKey()).getFileName().toString().replace(".jsonl", ""), lang, n, h1 / n, h5 / n, mrr / n));
                        }
                    }
                    System.out.println(line);
                }
            }
        }
    }
}
