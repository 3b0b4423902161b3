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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ingest throughput, raw model against the whole pipeline, on the same chunks in one run: documents are built from
 * the bundled samples' sentences; the stream's own chunker says which chunk texts they become; (a) those texts are
 * embedded alone with {@code Embedder.embedAll} in the configured batch size, (b) the documents go through an
 * embedded broker, the ingest stream and a Lucene store, timed from the first record produced to the last outcome
 * committed. Both sides are warmed up first and use the same embedder.
 *
 * <p>The two are measured in alternating rounds, raw first and last (raw, pipeline, raw, ..., pipeline, raw), and
 * compared over their totals; during a raw round the stream is paused, and it starts once the compiler has worked
 * through what the pipeline round queued. A shared machine's speed drifts by tens of percent within minutes (the model's own CPU
 * time per chunk moved from 11.5 to 16.7 ms within one run); one raw run before and one after a single pipeline run
 * let that drift decide the ratio. Interleaved rounds put both sides under the same conditions on average, and the
 * per-round ratios show how far single rounds scatter. The CPU time of each part of the process is reported too: the
 * model's share of the pipeline's CPU does not depend on how fast the machine happens to be.
 */
final class IngestBenchmark {

    /** Seconds of every raw and pipeline round, the chunks each round handled, and where the CPU went. */
    record Result(int documents, int chunks, int batchSize, List<Double> rawSeconds, List<Double> pipelineSeconds,
                  JitWarmUp.Result warmUp, double pipelineJitShare,
                  Map<String, Double> rawCpuMillis, Map<String, Double> pipelineCpuMillis) {

        double rawChunksPerSecond() {
            return (double) chunks * rawSeconds.size() / sum(rawSeconds);
        }

        double pipelineChunksPerSecond() {
            return (double) chunks * pipelineSeconds.size() / sum(pipelineSeconds);
        }

        double ratio() {
            return pipelineChunksPerSecond() / rawChunksPerSecond();
        }

        List<Double> rawRunsChunksPerSecond() {
            return rawSeconds.stream().map(seconds -> chunks / seconds).toList();
        }

        List<Double> pipelineRunsChunksPerSecond() {
            return pipelineSeconds.stream().map(seconds -> chunks / seconds).toList();
        }

        /** Each pipeline round against the mean rate of the raw rounds just before and after it. */
        List<Double> roundRatios() {
            List<Double> raw = rawRunsChunksPerSecond();
            List<Double> pipeline = pipelineRunsChunksPerSecond();
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < pipeline.size(); i++) {
                ratios.add(pipeline.get(i) / ((raw.get(i) + raw.get(i + 1)) / 2));
            }
            return ratios;
        }

        /** CPU milliseconds per chunk by part of the process ({@link #part}), over all raw and all pipeline rounds. */
        Map<String, Double> rawCpuMillisPerChunk() {
            return perChunk(rawCpuMillis, rawSeconds.size());
        }

        Map<String, Double> pipelineCpuMillisPerChunk() {
            return perChunk(pipelineCpuMillis, pipelineSeconds.size());
        }

        /** The model's share of the CPU the pipeline used: what Kafka, chunking and indexing leave to the model. */
        double pipelineModelCpuShare() {
            double total = pipelineCpuMillis.values().stream().mapToDouble(Double::doubleValue).sum();
            return pipelineCpuMillis.getOrDefault(MODEL, 0.0) / total;
        }

        private Map<String, Double> perChunk(Map<String, Double> millis, int rounds) {
            Map<String, Double> out = new LinkedHashMap<>();
            millis.forEach((part, ms) -> out.put(part, ms / ((double) chunks * rounds)));
            return out;
        }

        private static double sum(List<Double> values) {
            return values.stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    static final String MODEL = "model";

    /**
     * The part of the process a thread belongs to: the model's threads, the stream's threads, Lucene's background
     * merges, the Kafka clients' network threads, the rest (the broker's threads, the bench's own), see
     * {@link CpuBreakdown}.
     */
    static String part(String threadName) {
        if (threadName.startsWith("minilm-embed")) {
            return MODEL;
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

    Result run(int targetChunks, int rounds, Duration timeout) throws IOException {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1, not " + rounds);
        }
        DocumentProcessor processor = new DocumentProcessor(config.settings(), embedder);
        List<String> chunkTexts = new ArrayList<>();
        List<String> sentences = sampleSentences();
        int documents = 0;
        while (chunkTexts.size() < targetChunks) {
            chunkTexts.addAll(processor.prepare(null, document(TENANT, 0, documents++, sentences)).chunkTexts());
        }
        // warm the model (ONNX session, JIT) so neither side pays for it
        embedder.embedAll(chunkTexts.subList(0, Math.min(chunkTexts.size(), 64)));
        return measure(documents, chunkTexts, rounds, sentences, timeout);
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

    private Result measure(int documents, List<String> chunkTexts, int rounds, List<String> sentences, Duration timeout)
            throws IOException {
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
                        round -> ingest(submitter, documents(WARM_UP_TENANT, round, documents, sentences), timeout), warmUpMax);

                List<Double> rawSeconds = new ArrayList<>();
                List<Double> pipelineSeconds = new ArrayList<>();
                Map<String, Double> rawCpu = new LinkedHashMap<>();
                Map<String, Double> pipelineCpu = new LinkedHashMap<>();
                double jitSeconds = 0;
                for (int round = 0; ; round++) {
                    // The model alone: the stream paused, and the compiler done with what the last round queued,
                    // so the raw round does not carry the pipeline's leftovers.
                    app.streams().pause();
                    JitWarmUp.idleWhileCompiling(Duration.ofSeconds(30));
                    CpuBreakdown.Snapshot cpu = CpuBreakdown.start();
                    rawSeconds.add(raw(chunkTexts));
                    addCpuSince(cpu, rawCpu);
                    app.streams().resume();
                    if (round == rounds) {
                        break;
                    }
                    List<DocumentSubmitted> docs = documents(TENANT, round, documents, sentences);
                    JitWarmUp.Meter roundJit = JitWarmUp.Meter.start();
                    cpu = CpuBreakdown.start();
                    long start = System.nanoTime();
                    int chunks = ingest(submitter, docs, timeout);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    addCpuSince(cpu, pipelineCpu);
                    jitSeconds += roundJit.share() * seconds;
                    pipelineSeconds.add(seconds);
                    if (chunks != chunkTexts.size() || store.count(TENANT) != (long) chunkTexts.size() * (round + 1)) {
                        throw new IllegalStateException("round " + round + " indexed " + chunks + " chunks (" + store.count(TENANT)
                                + " in the store so far), the chunker made " + chunkTexts.size() + " a round");
                    }
                }
                double pipelineJitShare = jitSeconds / pipelineSeconds.stream().mapToDouble(Double::doubleValue).sum();
                return new Result(documents, chunkTexts.size(), config.embedding().batchSize(), rawSeconds, pipelineSeconds,
                        warmUp, pipelineJitShare, rawCpu, pipelineCpu);
            }
        } finally {
            TempFiles.deleteRecursively(work);
        }
    }

    /** Adds the CPU each part of the process spent since {@code since} to {@code totals}. */
    private static void addCpuSince(CpuBreakdown.Snapshot since, Map<String, Double> totals) {
        since.until(CpuBreakdown.start(), IngestBenchmark::part).forEach((part, ms) -> totals.merge(part, ms, Double::sum));
    }

    /** Submits the documents and waits until each is indexed; the chunks they became. */
    private static int ingest(DocumentSubmitter submitter, List<DocumentSubmitted> docs, Duration timeout) {
        List<DocumentSubmitter.Outcome> outcomes = submitter.await(submitter.sendAll(docs), timeout);
        outcomes.stream().filter(o -> !o.status().equals("INDEXED")).findFirst().ifPresent(o -> {
            throw new IllegalStateException("document " + o.submission().docId() + " was not indexed: "
                    + o.status() + " " + o.reason());
        });
        return outcomes.stream().mapToInt(DocumentSubmitter.Outcome::chunks).sum();
    }

    private IngestConfig withBroker(String bootstrapServers, Path stateDir) {
        Map<String, Object> kafka = new java.util.HashMap<>(config.kafka());
        kafka.put("bootstrap.servers", bootstrapServers);
        return new IngestConfig("streamrag-bench-ingest", config.settings(), stateDir, config.processingGuarantee(),
                config.commitIntervalMs(), config.streamThreads(), false, config.topics(), config.embedding(), config.httpPort(), kafka);
    }

    /** The first {@code count} documents of a round. */
    private static List<DocumentSubmitted> documents(String tenant, int round, int count, List<String> sentences) {
        List<DocumentSubmitted> docs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            docs.add(document(tenant, round, i, sentences));
        }
        return docs;
    }

    /**
     * Document {@code i} of a round: consecutive sample sentences from a rotating start, so documents differ but read
     * naturally; every round has the same texts under its own ids.
     */
    private static DocumentSubmitted document(String tenant, int round, int i, List<String> sentences) {
        StringBuilder text = new StringBuilder();
        int words = 0;
        for (int s = (i * 7) % sentences.size(); words < WORDS_PER_DOCUMENT; s = (s + 1) % sentences.size()) {
            String sentence = sentences.get(s);
            text.append(sentence).append(' ');
            words += sentence.split("\\s+").length;
        }
        String id = "bench-" + round + "-" + i;
        return SourceDocuments.document(tenant, id, 1, id + ".txt", text.toString().strip().getBytes(StandardCharsets.UTF_8), List.of());
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
