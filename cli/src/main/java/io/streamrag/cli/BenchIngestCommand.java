package io.streamrag.cli;

import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.vectorstore.lucene.LuceneStoreBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code streamrag bench ingest}: the embedding model alone against the whole ingest pipeline on the same chunks,
 * then the embedded store's recall and query rate at scale.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Raw embedding throughput vs the whole ingest pipeline (broker, stream, store) on the same chunks, "
                + "in alternating rounds; store recall and QPS.")
final class BenchIngestCommand implements Callable<Integer> {

    @Option(names = "--chunks", description = "Chunks to ingest, about 100 words each (default: ${DEFAULT-VALUE}).")
    int chunks = 1500;

    @Option(names = "--rounds", description = "Pipeline rounds, each between two raw rounds (default: ${DEFAULT-VALUE}).")
    int rounds = 3;

    @Option(names = "--store-chunks", description = "Vectors in the store benchmark; 0 skips it (default: ${DEFAULT-VALUE}).")
    int storeChunks = 100_000;

    @Option(names = "--store-queries", description = "Queries of the store benchmark (default: ${DEFAULT-VALUE}).")
    int storeQueries = 500;

    @Option(names = "--timeout", description = "Seconds the pipeline may take (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 900;

    @Option(names = "--warmup-max-seconds", description = "Longest pipeline warm-up; rounds of documents repeat until JIT "
            + "compilation has settled or this has passed (default: ${DEFAULT-VALUE}).")
    int warmupMaxSeconds = 240;

    @Option(names = "--json", description = "Print the figures as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        EmbeddedConfig config = EmbeddedConfig.load(Map.of());
        Map<String, Object> out = new LinkedHashMap<>();
        try (Embedder embedder = Embedders.create(config.ingest().embedding())) {
            IngestBenchmark.Result r = new IngestBenchmark(config.ingest(), config.lucene(), embedder, Duration.ofSeconds(warmupMaxSeconds))
                    .run(chunks, rounds, Duration.ofSeconds(timeoutSeconds));
            out.put("raw_embed_chunks_per_s", round(r.rawChunksPerSecond()));
            out.put("pipeline_chunks_per_s", round(r.pipelineChunksPerSecond()));
            out.put("ratio", round3(r.ratio()));
            out.put("round_ratios", r.roundRatios().stream().map(BenchIngestCommand::round3).toList());
            out.put("raw_embed_runs_chunks_per_s", r.rawRunsChunksPerSecond().stream().map(BenchIngestCommand::round).toList());
            out.put("pipeline_runs_chunks_per_s", r.pipelineRunsChunksPerSecond().stream().map(BenchIngestCommand::round).toList());
            out.put("pipeline_model_cpu_share", round3(r.pipelineModelCpuShare()));
            out.put("chunks", r.chunks());
            out.put("documents", r.documents());
            out.put("batch_size", r.batchSize());
            out.put("embedding_model", embedder.modelName());
            out.put("warmup_s", round(r.warmUp().seconds()));
            // the share of the cores the JIT compiler took while the pipeline was measured
            out.put("pipeline_jit_share", Math.round(r.pipelineJitShare() * 100) / 100.0);
            out.put("cores", Runtime.getRuntime().availableProcessors());
            // where the CPU went, per chunk: the pipeline's other parts take cores from the model
            out.put("raw_cpu_ms_per_chunk", rounded(r.rawCpuMillisPerChunk()));
            out.put("pipeline_cpu_ms_per_chunk", rounded(r.pipelineCpuMillisPerChunk()));
        }
        if (storeChunks > 0) {
            Path dir = Files.createTempDirectory("streamrag-bench-store-");
            try {
                LuceneStoreBenchmark.Result s = LuceneStoreBenchmark.run(storeChunks, storeQueries, 384, 42L, dir);
                Map<String, Object> store = new LinkedHashMap<>();
                store.put("chunks", s.chunks());
                store.put("recall_at_10", Math.round(s.recallAt10() * 10_000) / 10_000.0);
                store.put("queries_per_s", round(s.queriesPerSecond()));
                store.put("exact_queries_per_s", round(s.exactQueriesPerSecond()));
                store.put("index_s", round(s.indexSeconds()));
                out.put("store", store);
            } finally {
                TempFiles.deleteRecursively(dir);
            }
        }
        if (json) {
            System.out.println(Json.write(out));
        } else {
            out.forEach((key, value) -> System.out.println(key + ": " + value));
        }
        return 0;
    }

    private static Map<String, Double> rounded(Map<String, Double> millis) {
        Map<String, Double> out = new LinkedHashMap<>();
        millis.forEach((part, ms) -> out.put(part, Math.round(ms * 100) / 100.0));
        return out;
    }

    private static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
