package io.streamrag.cli;

import io.streamrag.ingest.DocumentProcessor;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.vector.SearchMode;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code streamrag eval retrieval}: hit@1, hit@k and MRR of the hybrid search on a corpus and a JSONL question set. */
@Command(name = "retrieval", mixinStandardHelpOptions = true,
        description = "Index a corpus with the ingest stream's chunker and embedder, then measure hybrid retrieval on questions.")
final class EvalRetrievalCommand implements Callable<Integer> {

    @Option(names = "--corpus", required = true, description = "Folder of .txt .md .html files; doc id = file name without extension.")
    Path corpus;

    @Option(names = "--dataset", required = true, description = "JSONL: {\"question\": \"...\", \"expected_doc_ids\": [\"...\"]} per line.")
    Path dataset;

    @Option(names = "--k", description = "Documents retrieved per question (default: ${DEFAULT-VALUE}).")
    int k = 5;

    @Option(names = "--mode", description = "Search mode: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; the others measure one side alone).")
    SearchMode mode = SearchMode.HYBRID;

    @Option(names = "--json", description = "Print the metrics as one JSON object.")
    boolean json;

    @Option(names = "--verbose", description = "Also list every question that missed its document at rank 1.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (k < 1) {
            throw new IllegalArgumentException("--k must be at least 1");
        }
        // the ingest stream's configuration (defaults and environment), so the chunker and embedder are the stream's
        EmbeddedConfig config = EmbeddedConfig.load(Map.of());
        Path index = Files.createTempDirectory("streamrag-eval-");
        RetrievalEvaluation.Report report;
        try (Embedder embedder = Embedders.create(config.ingest().embedding());
             LuceneVectorStore store = LuceneVectorStore.open(index, config.lucene())) {
            report = new RetrievalEvaluation(new DocumentProcessor(config.ingest().settings(), embedder), store, mode).evaluate(corpus, dataset, k);
        } finally {
            TempFiles.deleteRecursively(index);
        }
        Map<String, Object> out = new LinkedHashMap<>(report.all().toMap());
        out.put("k", k);
        out.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        report.byLanguage().forEach((language, metrics) -> out.put(language, metrics.toMap()));
        out.put("documents", report.documents());
        out.put("chunks", report.chunks());
        if (json) {
            System.out.println(Json.write(out));
        } else {
            System.out.printf("%d questions, %d documents, %d chunks, k=%d%n", report.all().n(), report.documents(), report.chunks(), k);
            System.out.printf("all  hit@1 %.3f  hit@%d %.3f  MRR %.3f%n", report.all().hitAt1(), k, report.all().hitAtK(), report.all().mrr());
            report.byLanguage().forEach((language, m) -> System.out.printf("%-4s hit@1 %.3f  hit@%d %.3f  MRR %.3f  (n=%d)%n",
                    language, m.hitAt1(), k, m.hitAtK(), m.mrr(), m.n()));
        }
        if (verbose || !json) {
            report.results().stream().filter(r -> r.rank() != 1).forEach(r -> System.err.printf("rank %s  %s  expected %s  got %s%n",
                    r.rank() == 0 ? "-" : Integer.toString(r.rank()), r.question(), r.expected(), r.retrieved()));
        }
        return 0;
    }
}
