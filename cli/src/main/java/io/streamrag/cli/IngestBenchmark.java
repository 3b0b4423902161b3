package io.streamrag.cli;

import io.streamrag.events.DocumentSubmitted;
import io.streamrag.ingest.DocumentProcessor;
import io.streamrag.ingest.IngestApp;
import io.streamrag.ingest.IngestConfig;
import io.streamrag.ingest.TextExtractor;
import io.streamrag.kafka.embedded.EmbeddedKafkaBroker;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.kafka.TopicAdmin;
import io.streamrag.platform.text.Sentences;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ingest throughput, raw model against the whole pipeline, on the same chunks in one run: documents are built from
 * the bundled samples' sentences; the stream's own chunker says which chunk texts they become; (a) those texts are
 * embedded alone with {@code Embedder.embedAll} in the configured batch size, (b) the documents go through a fresh
 * embedded broker, the ingest stream and a Lucene store, timed from the first record produced to the last outcome
 * committed. Both sides are warmed up first and use the same embedder; the raw run is repeated after the pipeline
 * and the faster of the two is compared, so load drifting during the run cannot make the pipeline look better.
 */
final class IngestBenchmark {

    /** Both rates in chunks per second, and what they were measured on. */
    record Result(int documents, int chunks, int batchSize, double rawSecondsBefore, double rawSecondsAfter,
                  double pipelineSeconds, JitWarmUp.Result warmUp, double pipelineJitShare,
                  Map<String, Double> rawCpuMillis, Map<String, Double> pipelineCpuMillis) {
        /** The faster of the two raw runs: the ratio is never flattered by a raw run that load slowed down. */
        double rawChunksPerSecond() {
            return chunks / Math.min(rawSecondsBefore, rawSecondsAfter);
        }

        double rawChunksPerSecondBefore() {
            return chunks / rawSecondsBefore;
        }

        double rawChunksPerSecondAfter() {
            return chunks / rawSecondsAfter;
        }

        double pipelineChunksPerSecond() {
            return chunks / pipelineSeconds;
        }

        double ratio() {
            return pipelineChunksPerSecond() / rawChunksPerSecond();
        }

        /** CPU milliseconds per chunk by part of the process ({@link #part}), in the raw run before and in the pipeline. */
        Map<String, Double> rawCpuMillisPerChunk() {
            return perChunk(rawCpuMillis);
        }

        Map<String, Double> pipelineCpuMillisPerChunk() {
            return perChunk(pipelineCpuMillis);
        }

        private Map<String, Double> perChunk(Map<String, Double> millis) {
            Map<String, Double> out = new java.util.LinkedHashMap<>();
            millis.forEach((part, ms) -> out.put(part, ms / chunks));
            return out;
        }
    }

    /**
     * The part of the process a thread belongs to: the model's threads, the stream's threads, Lucene's background
     * merges, the Kafka clients' network threads, the rest (the broker's threads, the bench's own), see
     * {@link CpuBreakdown}.
     */
    static String part(String threadName) {
        if (threadName.startsWith("minilm-embed")) {
            return "model";
        }
        if (threadName.contains("StreamThread")) {
            return "stream_threads";
        }
        if (threadName.startsWith("Lucene Merge Thread")) {
            return "lucene_merges";
        }
        if (threadName.startsWith("kafka-producer-network-thread") || threadName.contains("heartbeat")
                || threadName.contains("consumer_background")) {
            return "kafka_clients";
        }
        return "broker_and_other";
    }

    static final String TENANT = "bench";
    private static final String WARM_UP_TENANT = "bench-warm-up";
    /** About the size of a few pages: several chunks per document, as real documents have. */
    private static final int WORDS_PER_DOCUMENT = 800;

    private final IngestConfig config;
    private final LuceneVectorStore.Options storeOptions;
    private final Embedder embedder;

    private final Duration warmUpMax;

    IngestBenchmark(IngestConfig config, LuceneVectorStore.Options storeOptions, Embedder embedder, Duration warmUpMax) {
        this.config = config;
        this.warmUpMax = warmUpMax;
        this.storeOptions = storeOptions;
        this.embedder = embedder;
    }

    Result run(int targetChunks, Duration timeout) throws IOException {
        DocumentProcessor processor = new DocumentProcessor(config.settings(), embedder);
        List<DocumentSubmitted> documents = new ArrayList<>();
        List<String> chunkTexts = new ArrayList<>();
        List<String> sentences = sampleSentences();
        for (int i = 0; chunkTexts.size() < targetChunks; i++) {
            DocumentSubmitted doc = document(i, sentences);
            documents.add(doc);
            chunkTexts.addAll(processor.prepare(null, doc).chunkTexts());
        }
        // warm the model (ONNX session, JIT) so neither side pays for it
        embedder.embedAll(chunkTexts.subList(0, Math.min(chunkTexts.size(), 64)));

        // raw before and after the pipeline: on a shared machine the load drifts, and the faster raw run is kept
        CpuBreakdown.Snapshot rawCpu = CpuBreakdown.start();
        double rawBefore = raw(chunkTexts);
        Map<String, Double> rawCpuMillis = rawCpu.until(CpuBreakdown.start(), IngestBenchmark::part);
        Pipeline pipeline = pipeline(documents, chunkTexts.size(), timeout);
        double rawAfter = raw(chunkTexts);
        return new Result(documents.size(), chunkTexts.size(), config.embedding().batchSize(), rawBefore, rawAfter,
                pipeline.seconds(), pipeline.warmUp(), pipeline.jitShare(), rawCpuMillis, pipeline.cpuMillis());
    }

    /** Seconds the model alone takes for the chunk texts, in the configured batch size. */
    private double raw(List<String> chunkTexts) {
        long rawStart = System.nanoTime();
        List<float[]> vectors = embedder.embedAll(chunkTexts);
        double rawSeconds = (System.nanoTime() - rawStart) / 1e9;
        if (vectors.size() != chunkTexts.size()) {
            throw new IllegalStateException("the model returned " + vectors.size() + " vectors for " + chunkTexts.size() + " chunks");
        }
        return rawSeconds;
    }

    private record Pipeline(double seconds, JitWarmUp.Result warmUp, double jitShare, Map<String, Double> cpuMillis) {
    }

    private Pipeline pipeline(List<DocumentSubmitted> documents, int expectedChunks, Duration timeout) throws IOException {
        Path work = Files.createTempDirectory("streamrag-bench-ingest-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            IngestConfig streamConfig = withBroker(broker.bootstrapServers(), work.resolve("streams"));
            TopicAdmin.ensure(Map.of("bootstrap.servers", broker.bootstrapServers()), streamConfig.topics().specs());
            try (LuceneVectorStore store = LuceneVectorStore.open(work.resolve("index"), storeOptions);
                 IngestApp app = IngestApp.start(streamConfig, embedder, store);
                 DocumentSubmitter submitter = new DocumentSubmitter(broker.bootstrapServers(), streamConfig.topics())) {
                if (!app.awaitRunning(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("the ingest stream did not start within 60 s");
                }
                JitWarmUp.Result warmUp = JitWarmUp.untilSettled(
                        round -> warmUp(submitter, round, documents.size(), timeout), warmUpMax);
                JitWarmUp.Meter jit = JitWarmUp.Meter.start();
                CpuBreakdown.Snapshot cpu = CpuBreakdown.start();
                long start = System.nanoTime();
                List<DocumentSubmitter.Outcome> outcomes = submitter.await(submitter.sendAll(documents), timeout);
                double seconds = (System.nanoTime() - start) / 1e9;
                Map<String, Double> cpuMillis = cpu.until(CpuBreakdown.start(), IngestBenchmark::part);
                double jitShare = jit.share();
                List<DocumentSubmitter.Outcome> failed = outcomes.stream().filter(o -> !o.status().equals("INDEXED")).toList();
                if (!failed.isEmpty()) {
                    throw new IllegalStateException(failed.size() + " documents were not indexed, first: "
                            + failed.getFirst().submission().key() + " " + failed.getFirst().status() + " " + failed.getFirst().reason());
                }
                int chunks = outcomes.stream().mapToInt(DocumentSubmitter.Outcome::chunks).sum();
                if (chunks != expectedChunks || store.count(TENANT) != expectedChunks) {
                    throw new IllegalStateException("the pipeline indexed " + chunks + " chunks (" + store.count(TENANT)
                            + " in the store), the chunker made " + expectedChunks);
                }
                return new Pipeline(seconds, warmUp, jitShare, cpuMillis);
            }
        } finally {
            TempFiles.deleteRecursively(work);
        }
    }

    /**
     * One round of the pipeline's counterpart of the model warm-up before the raw run: as many documents as the
     * measured run, of another tenant, go through first, so one-time costs (the Korean analyser's dictionaries, JIT
     * compilation of the paths this load takes, the first transactions of each stream thread) are not timed.
     */
    private static void warmUp(DocumentSubmitter submitter, int round, int documents, Duration timeout) {
        List<String> sentences = sampleSentences();
        List<DocumentSubmitted> warmUp = new ArrayList<>();
        for (int i = 0; i < documents; i++) {
            warmUp.add(document(WARM_UP_TENANT, round * documents + i, sentences));
        }
        List<DocumentSubmitter.Outcome> outcomes = submitter.await(submitter.sendAll(warmUp), timeout);
        outcomes.stream().filter(o -> !o.status().equals("INDEXED")).findFirst().ifPresent(o -> {
            throw new IllegalStateException("the warm-up document " + o.submission().docId() + " was not indexed: "
                    + o.status() + " " + o.reason());
        });
    }

    private IngestConfig withBroker(String bootstrapServers, Path stateDir) {
        Map<String, Object> kafka = new java.util.HashMap<>(config.kafka());
        kafka.put("bootstrap.servers", bootstrapServers);
        return new IngestConfig("streamrag-bench-ingest", config.settings(), stateDir, config.processingGuarantee(),
                config.commitIntervalMs(), config.streamThreads(), false, config.topics(), config.embedding(), config.httpPort(), kafka);
    }

    /** Document {@code i}: consecutive sample sentences from a rotating start, so documents differ but read naturally. */
    static DocumentSubmitted document(int i, List<String> sentences) {
        return document(TENANT, i, sentences);
    }

    private static DocumentSubmitted document(String tenant, int i, List<String> sentences) {
        StringBuilder text = new StringBuilder();
        int words = 0;
        for (int s = (i * 7) % sentences.size(); words < WORDS_PER_DOCUMENT; s = (s + 1) % sentences.size()) {
            String sentence = sentences.get(s);
            text.append(sentence).append(' ');
            words += sentence.split("\\s+").length;
        }
        return SourceDocuments.document(tenant, "bench-" + i, 1, "bench-" + i + ".txt",
                text.toString().strip().getBytes(StandardCharsets.UTF_8), List.of());
    }

    /** Every sentence of the bundled samples (English and Korean), markup removed by the stream's extractor. */
    static List<String> sampleSentences() {
        List<String> sentences = new ArrayList<>();
        for (DocumentSubmitted sample : SampleDocuments.load()) {
            byte[] bytes = new byte[sample.getContent().remaining()];
            sample.getContent().duplicate().get(bytes);
            String text = TextExtractor.extract(sample.getContentType(), bytes).text();
            Sentences.split(text).stream().map(String::strip).filter(s -> s.split("\\s+").length >= 4).forEach(sentences::add);
        }
        return sentences;
    }
}
