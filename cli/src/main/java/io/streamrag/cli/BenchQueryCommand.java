package io.streamrag.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrag.events.QueryAnswered;
import io.streamrag.events.QueryRequested;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.kafka.TopicAdmin;
import io.streamrag.platform.vector.ChunkIds;
import io.streamrag.platform.vector.StoredChunk;
import io.streamrag.query.AnswerChecks;
import io.streamrag.query.EmbeddingBatcher;
import io.streamrag.query.QueryApp;
import io.streamrag.query.QueryConfig;
import io.streamrag.query.QuerySettings;
import io.streamrag.query.QueryTopology;
import io.streamrag.query.llm.LlmClient;
import io.streamrag.query.llm.LlmClients;
import io.streamrag.schemas.AvroSerde;
import io.streamrag.schemas.Events;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code streamrag bench query}: the whole query stream (embedded broker, Lucene, MiniLM, checks) against a local
 * server speaking Mistral's chat API with a fixed latency. Phase 1 drains a backlog for throughput; phase 2 sends
 * an open-loop steady stream at half the ideal rate for latency; a third run puts the LLM call on the stream
 * thread (the naive design) for comparison. Every question is distinct.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Throughput and overhead of the query stream against a Mistral-compatible stub with a fixed latency.")
final class BenchQueryCommand implements Callable<Integer> {

    @Option(names = "--llm-latency-ms", description = "Latency of every stub LLM call (default: ${DEFAULT-VALUE}).")
    long llmLatencyMs = 1000;

    @Option(names = "--requests", description = "Backlog size of phase 1 (default: ${DEFAULT-VALUE}).")
    int requests = 2000;

    @Option(names = "--warmup", description = "Requests per warm-up round, a backlog like the measured one; rounds repeat "
            + "until JIT compilation has settled (default: ${DEFAULT-VALUE}).")
    int warmupRequests = 2000;

    @Option(names = "--warmup-max-seconds", description = "Longest warm-up, whether or not compilation has settled (default: ${DEFAULT-VALUE}).")
    int warmupMaxSeconds = 240;

    @Option(names = "--in-flight", description = "query.max.in.flight (default: ${DEFAULT-VALUE}).")
    int inFlight = 256;

    @Option(names = "--steady-seconds", description = "Duration of the measured steady round (default: ${DEFAULT-VALUE}): "
            + "long enough to span several collection cycles of each of the three JVMs.")
    int steadySeconds = 60;

    @Option(names = "--checks", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the answer checks (groundedness) as the production stream does (default: ${DEFAULT-VALUE}); "
                    + "--no-checks measures the stage without them.")
    boolean checks;

    @Option(names = "--stub-process", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the Mistral stub in a JVM of its own, apart from the measured process as a remote LLM is "
                    + "(default: ${DEFAULT-VALUE}); --no-stub-process runs it inside the measured process.")
    boolean stubProcess;

    @Option(names = "--broker-process", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the embedded broker in a JVM of its own, apart from the measured process as a cluster is "
                    + "(default: ${DEFAULT-VALUE}); its CPU is counted in cpu_ms_per_request either way. "
                    + "--no-broker-process runs it inside the measured process.")
    boolean brokerProcess;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A query stream configuration key for the measured "
            + "stream (repeatable), e.g. --set query.commit.interval.ms=10.")
    Map<String, String> overrides = new HashMap<>();

    @Option(names = "--verbose", description = "Also print per-stage latencies of the steady phase on stderr.")
    boolean verbose;

    @Option(names = "--json", description = "Print the figures as JSON.")
    boolean json;

    /** Texts per model call when the model's own rate is measured. */
    private static final int BATCH = 64;
    /** Longest unmeasured round at the steady rate before the measured one. */
    private static final int STEADY_WARM_UP_SECONDS = 15;

    private static final List<String> TOPICS = List.of(
            "paid vacation days", "meal reimbursement on business trips", "remote work rules", "parking fees",
            "the laptop refresh cycle", "overtime compensation", "parental leave", "the travel booking tool",
            "재택근무 규정", "출장 식비 정산");

    private static final String[][] DOCS = {
            {"vacation", "Employees receive 25 days of paid vacation per year. Unused days expire at the end of March."},
            {"expenses", "Meals during business travel are reimbursed up to 60 euros per day with a receipt."},
            {"remote", "Remote work is allowed up to two days per week with the approval of the team lead."},
            {"parking", "Parking at the main campus costs 5 euros per day; cyclists park for free."},
            {"laptops", "Laptops are replaced every three years; developers may request a refresh after two."},
            {"overtime", "Overtime is compensated with time off at a rate of 1.5 hours per hour worked."},
            {"parental", "Parental leave is 16 weeks at full pay for every parent."},
            {"travel", "Business travel is booked through the travel portal at least 14 days ahead."},
            {"remote-ko", "재택근무는 주 2회까지 허용되며 팀장의 승인이 필요합니다."},
            {"expenses-ko", "출장 중 식비는 영수증을 제출하면 하루 6만 원까지 정산됩니다."}};

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("streamrag-bench-query");
        try (BenchBroker broker = brokerProcess ? BenchBroker.childProcess() : BenchBroker.inProcess();
             StubLlm stub = stubProcess ? StubLlm.childProcess("bench-key", Duration.ofMillis(llmLatencyMs))
                     : StubLlm.inProcess("bench-key", Duration.ofMillis(llmLatencyMs));
             Embedder embedder = Embedders.miniLm(EmbeddedConfig.load(Map.of()).ingest().embedding().miniLmPrecision(),
                     BATCH, Runtime.getRuntime().availableProcessors());
             LuceneVectorStore store = LuceneVectorStore.open(work.resolve("index"))) {
            loadDocuments(store, embedder);

            int steadyCount = 0;
            List<String> warmup = questions("warm", 20);
            warmup.forEach(embedder::embed);
            // The embedding model's own rate on the same questions, in batches as large as the stream's batcher makes.
            List<String> backlog = questions("backlog", requests);
            long t0 = System.nanoTime();
            long cpu0 = CpuBreakdown.processCpuNanos();
            embedder.embedAll(backlog);
            double embedRps = backlog.size() / seconds(System.nanoTime() - t0);
            double embedCpuMs = (CpuBreakdown.processCpuNanos() - cpu0) / 1e6 / backlog.size();
            // the stream's CPU: this process's and, when it runs apart, the broker's (never the stub's)
            LongSupplier streamCpuNanos = () -> CpuBreakdown.processCpuNanos() + broker.cpuNanos().getAsLong();
            LongSupplier childCompilers = childCompilers(broker, stub);
            double ideal = Math.min(inFlight / (llmLatencyMs / 1000.0), embedRps);

            // Phase 1 and 2: the production stage.
            Run run = new Run(broker, stub, work, "async", QuerySettings.LlmMode.ASYNC);
            double throughput;
            double requestCpuMs;
            double requestAllocatedKb;
            int warmed = 0;
            double warmupSeconds;
            double backlogJitShare;
            double steadyJitShare;
            double p50;
            double p99;
            try (run) {
                // Warm-up: the same path answers distinct questions until the JIT has compiled it, so the measured
                // phases see a long-running process rather than one still compiling (the broker, Kafka Streams,
                // Lucene and the HTTP stack are a lot of code: compilation goes on for tens of seconds).
                run.start(embedder, store);
                JitWarmUp.Result warm = JitWarmUp.untilSettled(round -> {
                    List<String> questions = questions("warm-up-" + round, warmupRequests);
                    run.newPhase();
                    run.produce(questions, null);
                    run.awaitAnswers(run.answered + questions.size(), Duration.ofSeconds(60 + warmupRequests));
                }, Duration.ofSeconds(warmupMaxSeconds), childCompilers);
                warmed = run.answered;
                warmupSeconds = warm.seconds();
                // the compiler works off what the last round queued before the measured phases, as between rounds
                JitWarmUp.idleWhileCompiling(Duration.ofSeconds(30), childCompilers);
                run.newPhase();
                long cpuBacklog = streamCpuNanos.getAsLong();
                long allocatedBacklog = allocatedBytes();
                JitWarmUp.Meter jit = JitWarmUp.Meter.start(childCompilers);
                run.produce(backlog, null);
                run.awaitAnswers(warmed + backlog.size(), Duration.ofSeconds(60 + requests));
                throughput = run.rate();
                requestCpuMs = (streamCpuNanos.getAsLong() - cpuBacklog) / 1e6 / backlog.size();
                requestAllocatedKb = (allocatedBytes() - allocatedBacklog) / 1024.0 / backlog.size();
                backlogJitShare = jit.share();

                double steadyRate = ideal / 2;
                steadyCount = (int) Math.max(10, steadyRate * steadySeconds);
                // A first round at the steady rate compiles what the backlog does not exercise (one question per model
                // call, polls that find one record), so the measured round sees a long-running process. It runs exactly
                // the measured round's code, its meters included: code first run at the measured round's start fed new
                // types to call sites the stream shares (the JDK's streams, NIO reads, the fork-join pool), and the JIT
                // threw away and recompiled what it had compiled there during the round.
                int warmUpCount = (int) Math.min(steadyCount, Math.max(10, steadyRate * STEADY_WARM_UP_SECONDS));
                measuredSteadyRound(run, broker, stub, questions("steady-warm-up", warmUpCount), steadyRate);
                JitWarmUp.idleWhileCompiling(Duration.ofSeconds(30), childCompilers);
                List<String> steady = questions("steady", steadyCount);
                SteadyRound round = measuredSteadyRound(run, broker, stub, steady, steadyRate);
                Map<String, Long> sentAt = round.sentAt();
                List<Hiccups.Hiccup> hiccups = Hiccups.largestFirst(round.hiccups());
                long steal = round.stealMillis();
                steadyJitShare = round.jitShare();
                Map<String, long[]> gcBefore = round.gcBefore();
                Map<String, long[]> gcAfter = round.gcAfter();
                double[] overhead = sentAt.entrySet().stream()
                        .filter(e -> run.answeredAt.containsKey(e.getKey()))
                        .mapToDouble(e -> run.overheadMs(e.getKey(), e.getValue()))
                        .sorted().toArray();
                p50 = percentile(overhead, 0.50);
                p99 = percentile(overhead, 0.99);
                if (verbose) {
                    for (String stage : List.of("embed", "retrieve", "queue", "llm", "checks", "total", "delivery")) {
                        double[] values = sentAt.keySet().stream().filter(run.stages::containsKey)
                                .mapToDouble(id -> run.stages.get(id).getOrDefault(stage, 0L)).sorted().toArray();
                        System.err.printf("steady %-8s p50 %6.0f ms  p99 %6.0f ms%n", stage, percentile(values, 0.5), percentile(values, 0.99));
                    }
                    // what is left: from the bench's send to the stream thread's first look at the request
                    double[] intake = sentAt.entrySet().stream().filter(e -> run.stages.containsKey(e.getKey()))
                            .mapToDouble(e -> run.intakeMs(e.getKey(), e.getValue()))
                            .sorted().toArray();
                    System.err.printf("steady %-8s p50 %6.0f ms  p99 %6.0f ms%n", "intake", percentile(intake, 0.5), percentile(intake, 0.99));
                    long firstSent = sentAt.values().stream().mapToLong(Long::longValue).min().orElse(0);
                    printTail(sentAt, run, firstSent);
                    System.err.printf("steady hiccups %d over 5 ms, the largest (ms at s): %s; host steal %s%n", hiccups.size(),
                            hiccups.stream().limit(5).map(h -> String.format("%.0f at %.2f", h.lateMs(), (h.atNanos() - firstSent) / 1e9))
                                    .collect(Collectors.joining(", ")),
                            steal < 0 ? "unknown" : steal + " ms");
                    // the exactly-once commit, which every answer waits for: how often and how long (Kafka Streams' own
                    // thread metrics, averaged over its recent window)
                    run.app.streams().metrics().forEach((name, metric) -> {
                        if (name.group().equals("stream-thread-metrics")
                                && List.of("commit-latency-avg", "commit-latency-max", "commit-rate").contains(name.name())) {
                            System.err.printf("steady commit %s %.1f%n", name.name(), ((Number) metric.metricValue()).doubleValue());
                        }
                    });
                    // CPU per kind of thread (digits in names folded) over the steady phase, per request
                    int sent = steady.size();
                    round.cpuBefore().until(round.cpuAfter(), CpuBreakdown::threadKind)
                            .entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(14)
                            .forEach(e -> System.err.printf("steady cpu %6.3f ms/request  %s%n", e.getValue() / sent, e.getKey()));
                    if (brokerProcess) {
                        System.err.printf("steady cpu %6.3f ms/request  broker process%n",
                                round.brokerCpuNanos() / 1e6 / sent);
                    }
                    // the JIT compilers of the processes apart, which compete for the same cores in bursts
                    if (round.brokerCompilerCpuNanos() >= 0) {
                        System.err.printf("steady cpu %6.3f ms/request  broker compiler (C1, C2)%n",
                                round.brokerCompilerCpuNanos() / 1e6 / sent);
                    }
                    if (round.stubCompilerCpuNanos() >= 0) {
                        System.err.printf("steady cpu %6.3f ms/request  stub compiler (C1, C2)%n",
                                round.stubCompilerCpuNanos() / 1e6 / sent);
                    }
                    gcAfter.forEach((name, after) -> {
                        long[] before = gcBefore.getOrDefault(name, new long[2]);
                        System.err.printf("steady gc %s: %d collections, %d ms%n", name, after[0] - before[0], after[1] - before[1]);
                    });
                }
            }

            // The naive stage: the LLM call blocks the stream thread.
            int naiveCount = (int) Math.max(5, Math.min(20, requests / 20));
            double naive;
            try (Run sync = new Run(broker, stub, work, "naive", QuerySettings.LlmMode.SYNC)) {
                sync.produce(questions("naive", naiveCount), null);
                sync.start(embedder, store);
                sync.awaitAnswers(naiveCount, Duration.ofSeconds(60 + naiveCount * (llmLatencyMs / 1000 + 2)));
                naive = sync.rate();
            }

            ObjectNode out = EvalReport.JSON.createObjectNode();
            out.put("throughput_rps", round(throughput));
            out.put("ideal_rps", round(ideal));
            out.put("ratio", round(throughput / ideal));
            out.put("overhead_p50_ms", round(p50));
            out.put("overhead_p99_ms", round(p99));
            out.put("naive_sync_rps", round(naive));
            out.put("embed_rps", round(embedRps));
            // CPU time of the stream's process and the broker's (and the stub's with --no-stub-process) per request, against
            // the model's own per question: less sensitive to other load on the machine than the rates
            out.put("cpu_ms_per_request", round(requestCpuMs));
            out.put("embed_cpu_ms_per_question", round(embedCpuMs));
            // heap allocated per request over the backlog (all threads): what drives the garbage collector's pauses
            out.put("allocated_kb_per_request", Math.round(requestAllocatedKb));
            out.put("embedding_model", embedder.modelName());
            out.put("in_flight", inFlight);
            out.put("llm_latency_ms", llmLatencyMs);
            out.put("requests", requests);
            out.put("warmup_requests", warmed);
            out.put("warmup_s", round(warmupSeconds));
            // the share of the cores the JIT compiler took while the backlog was measured
            out.put("backlog_jit_share", round(backlogJitShare));
            out.put("steady_jit_share", round(steadyJitShare));
            out.put("steady_requests", steadyCount);
            out.put("naive_requests", naiveCount);
            out.put("cores", Runtime.getRuntime().availableProcessors());
            out.put("checks", checks);
            out.put("stub_process", stubProcess);
            out.put("broker_process", brokerProcess);
            if (json) {
                System.out.println(EvalReport.print(out));
            } else {
                System.out.printf("throughput %.1f req/s of an ideal %.1f (ratio %.2f); overhead p50 %.1f ms, p99 %.1f ms; "
                                + "naive synchronous stage %.2f req/s%n", throughput, ideal, throughput / ideal, p50, p99, naive);
            }
            return 0;
        } finally {
            deleteQuietly(work);
        }
    }

    /** One query stream with its own topics, a producer of requests and a reader of answers. */
    private final class Run implements AutoCloseable {
        final QueryConfig config;
        final KafkaProducer<String, byte[]> producer;
        final KafkaConsumer<String, byte[]> consumer;
        // Kept for the current phase only, and the stage latencies only with --verbose: the bench's own bookkeeping
        // lives in the measured JVM, and tens of thousands of retained entries lengthen every young GC pause.
        final Map<String, Long> answeredAt = new ConcurrentHashMap<>();
        final Map<String, Map<String, Long>> stages = new ConcurrentHashMap<>();
        final List<Long> times = new ArrayList<>();
        QueryApp app;
        int answered;

        Run(BenchBroker broker, StubLlm stub, Path work, String name, QuerySettings.LlmMode mode) {
            Map<String, String> values = new HashMap<>();
            values.put("kafka.bootstrap.servers", broker.bootstrapServers());
            values.put("query.application.id", "bench-" + name);
            values.put("query.state.dir", work.resolve("state-" + name).toString());
            values.put("query.max.in.flight", Integer.toString(inFlight));
            for (String topic : List.of("topic.prompt.template", "topic.query.requested", "topic.answer.generated",
                    "topic.query.dlq", "topic.telemetry")) {
                values.put(topic, name + "." + topic.substring("topic.".length()));
            }
            values.putAll(Map.of("llm.provider", "mistral", "mistral.api.key", stub.apiKey(),
                    "mistral.base.url", stub.baseUrl().toString(), "llm.fallback.provider", "none",
                    "llm.timeout.ms", Long.toString(llmLatencyMs * 5 + 5000)));
            values.put("query.default.timeout.ms", Long.toString(llmLatencyMs * 10 + 600_000));
            // the benchmark measures the stage itself: one unsigned tenant, no per-tenant limits
            values.put("auth.mode", "off");
            values.put("limits.requests.per.minute", "0");
            values.put("limits.daily.tokens", "0");
            values.put("cache.enabled", "false");
            values.putAll(overrides);
            ConfigReader reader = new ConfigReader(Settings.of(QueryConfig.KEYS, values));
            QueryConfig loaded = QueryConfig.from(reader);
            reader.validate();
            this.config = loaded.withSettings(loaded.settings().withLlmMode(mode));
            TopicAdmin.ensure(config.kafka(), config.topics().specs());
            // One request in flight: the naive run produces right after its topics are created, while a partition
            // can still answer NOT_LEADER. With several requests in flight a later batch could then be accepted
            // first, and the retried earlier one is refused as out of order for good (a request never arrives).
            this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
                    new StringSerializer(), new ByteArraySerializer());
            this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + name,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(config.topics().answerGenerated()));
        }

        void start(Embedder embedder, LuceneVectorStore store) {
            if (checks) {
                app = QueryApp.start(config, embedder, store);
                return;
            }
            LlmClient llm = LlmClients.create(config.llm());
            Embedder batched = EmbeddingBatcher.wrap(embedder, QueryApp.EMBEDDING_BATCH);
            owned.add(llm);
            owned.add(batched);
            app = QueryApp.start(config, new QueryTopology.Ports(batched, store, llm, null,
                    AnswerChecks.none(), null, null));
        }

        final List<AutoCloseable> owned = new ArrayList<>();

        void produce(List<String> questions, Map<String, Long> sentAt) {
            for (String question : questions) {
                String id = UUID.nameUUIDFromBytes(question.getBytes(StandardCharsets.UTF_8)).toString();
                QueryRequested request = QueryRequested.newBuilder().setHeader(Events.header(id)).setRequestId(id)
                        .setTenant("bench").setQuestion(question).build();
                if (sentAt != null) {
                    sentAt.put(id, System.nanoTime());
                }
                producer.send(new ProducerRecord<>(config.topics().queryRequested(), id, AvroSerde.of(QueryRequested.class).encode(request)));
            }
            producer.flush();
        }

        void awaitAnswers(int total, Duration timeout) {
            long end = System.nanoTime() + timeout.toNanos();
            while (answered < total && System.nanoTime() < end) {
                consumer.poll(Duration.ofMillis(5)).forEach(r -> {
                    long now = System.nanoTime();
                    QueryAnswered a = AvroSerde.of(QueryAnswered.class).decode(r.value());
                    if (answeredAt.putIfAbsent(a.getRequestId(), now) == null) {
                        if (verbose) {
                            Map<String, Long> latency = new HashMap<>(a.getLatencyMs());
                            // from the answer's creation on the stream thread to this reader: commit and fetch
                            latency.put("delivery", System.currentTimeMillis() - a.getHeader().getTimestamp().toEpochMilli());
                            stages.put(a.getRequestId(), latency);
                        }
                        answered++;
                        times.add(now);
                    }
                });
            }
            if (answered < total) {
                throw new IllegalStateException("only " + answered + " of " + total + " requests answered in " + timeout);
            }
        }

        /** End-to-end latency of an answered request sent at {@code sentNanos}, minus the stub's configured latency. */
        double overheadMs(String id, long sentNanos) {
            return (answeredAt.get(id) - sentNanos) / 1e6 - llmLatencyMs;
        }

        /** From the send to the stream thread's first look at the request: what its stages and delivery leave (--verbose). */
        double intakeMs(String id, long sentNanos) {
            Map<String, Long> stage = stages.get(id);
            return (answeredAt.get(id) - sentNanos) / 1e6 - stage.getOrDefault("total", 0L) - stage.getOrDefault("delivery", 0L);
        }

        /** Starts a new phase: its rate and arrivals are counted from here ({@link #answered} keeps the total). */
        void newPhase() {
            times.clear();
            answeredAt.clear();
            stages.clear();
        }

        /** Answers per second between the first and the last answer (the pipeline's steady rate). */
        double rate() {
            if (times.size() < 2) {
                return 0;
            }
            return (times.size() - 1) / seconds(times.getLast() - times.getFirst());
        }

        @Override
        public void close() {
            if (app != null) {
                app.close();
            }
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort at the end of a benchmark
                }
            }
            producer.close();
            consumer.close();
        }
    }

    /** What one steady round measured: when each request was sent, and the process's meters around the round. */
    private record SteadyRound(Map<String, Long> sentAt, List<Hiccups.Hiccup> hiccups, long stealMillis, double jitShare,
                               Map<String, long[]> gcBefore, Map<String, long[]> gcAfter, CpuBreakdown.Snapshot cpuBefore,
                               CpuBreakdown.Snapshot cpuAfter, long brokerCpuNanos, long brokerCompilerCpuNanos,
                               long stubCompilerCpuNanos) {
    }

    /** A steady round in a phase of its own, with every meter the report reads started before it and read after it. */
    private SteadyRound measuredSteadyRound(Run run, BenchBroker broker, StubLlm stub, List<String> questions, double rate)
            throws InterruptedException {
        run.newPhase();
        Map<String, long[]> gcBefore = collections();
        CpuBreakdown.Snapshot cpuBefore = CpuBreakdown.start();
        long brokerCpuBefore = broker.cpuNanos().getAsLong();
        long brokerCompilerBefore = broker.compilerCpuNanos().getAsLong();
        long stubCompilerBefore = stub.compilerCpuNanos().getAsLong();
        JitWarmUp.Meter jit = JitWarmUp.Meter.start(childCompilers(broker, stub));
        long stealBefore = Hiccups.stealMillis();
        Map<String, Long> sentAt;
        List<Hiccups.Hiccup> hiccups;
        try (Hiccups meter = Hiccups.start()) {
            sentAt = steadyRound(run, questions, rate);
            hiccups = meter.inOrder();
        }
        long steal = stealBefore < 0 ? -1 : Hiccups.stealMillis() - stealBefore;
        double jitShare = jit.share();
        long brokerCompilerAfter = broker.compilerCpuNanos().getAsLong();
        long stubCompilerAfter = stub.compilerCpuNanos().getAsLong();
        return new SteadyRound(sentAt, hiccups, steal, jitShare, gcBefore, collections(), cpuBefore, CpuBreakdown.start(),
                broker.cpuNanos().getAsLong() - brokerCpuBefore, spent(brokerCompilerBefore, brokerCompilerAfter),
                spent(stubCompilerBefore, stubCompilerAfter));
    }

    /**
     * CPU time (ns) of the JIT compiler threads of the broker and the stub where they run apart, -1 where neither is
     * known: they compile on the same cores as the stream, in bursts, so the warm-up waits for them too.
     */
    private static LongSupplier childCompilers(BenchBroker broker, StubLlm stub) {
        return () -> {
            long brokers = broker.compilerCpuNanos().getAsLong();
            long stubs = stub.compilerCpuNanos().getAsLong();
            return brokers < 0 && stubs < 0 ? -1 : Math.max(brokers, 0) + Math.max(stubs, 0);
        };
    }

    /** {@code after - before}, or -1 when either reading is unknown. */
    private static long spent(long before, long after) {
        return before < 0 || after < 0 ? -1 : after - before;
    }

    /**
     * Sends {@code questions} open-loop at {@code rate} per second while reading the answers (so each arrival time is
     * its own) until all are answered; returns when each was sent (nanoTime).
     */
    private Map<String, Long> steadyRound(Run run, List<String> questions, double rate) throws InterruptedException {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        int expected = run.answered + questions.size();
        // a thread of its own rather than the common fork-join pool, which the stream's asynchronous stages share
        AtomicReference<RuntimeException> readerFailure = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().name("bench-reader").start(() -> {
            try {
                run.awaitAnswers(expected, Duration.ofSeconds(60 + steadySeconds));
            } catch (RuntimeException e) {
                readerFailure.set(e);
            }
        });
        long start = System.nanoTime();
        for (int i = 0; i < questions.size(); i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            run.produce(List.of(questions.get(i)), sentAt);
        }
        reader.join();
        if (readerFailure.get() != null) {
            throw readerFailure.get();
        }
        return sentAt;
    }

    /**
     * The slowest 1% of the steady phase, stage by stage (means): where the tail's time went. {@code llm} is
     * beyond the stub's configured latency; {@code other} is what no stage accounts for.
     */
    private void printTail(Map<String, Long> sentAt, Run run, long firstSent) {
        List<Map.Entry<String, Double>> slowest = sentAt.entrySet().stream()
                .filter(e -> run.stages.containsKey(e.getKey()))
                .map(e -> Map.entry(e.getKey(), run.overheadMs(e.getKey(), e.getValue())))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .toList();
        int n = Math.max(1, slowest.size() / 100);
        slowest = slowest.subList(0, n);
        Map<String, Double> sums = new LinkedHashMap<>();
        Map<Double, String> oneByOne = new TreeMap<>();
        for (Map.Entry<String, Double> request : slowest) {
            Map<String, Double> own = new LinkedHashMap<>();
            Map<String, Long> stage = run.stages.get(request.getKey());
            double intake = run.intakeMs(request.getKey(), sentAt.get(request.getKey()));
            double accounted = 0;
            for (String name : List.of("embed", "retrieve", "queue", "llm", "checks", "delivery")) {
                double value = stage.getOrDefault(name, 0L) - (name.equals("llm") ? llmLatencyMs : 0);
                own.put(name, value);
                accounted += value;
            }
            own.put("intake", intake);
            own.put("other", request.getValue() - accounted - intake);
            own.put("overhead", request.getValue());
            own.forEach((name, value) -> sums.merge(name, value, Double::sum));
            double sent = (sentAt.get(request.getKey()) - firstSent) / 1e9;
            oneByOne.put(sent, String.format("%.2f s:", sent) + own.entrySet().stream()
                    .map(e -> String.format(" %s %.0f", e.getKey(), e.getValue())).collect(Collectors.joining()));
        }
        StringBuilder line = new StringBuilder("steady slowest 1% (" + n + ") means:");
        sums.forEach((name, sum) -> line.append(String.format(" %s %.0f", name, sum / n)));
        System.err.println(line.append(" ms"));
        // when they were sent: bunched together they waited out one stall (a pause of some process), spread out they
        // each waited for a core; the wall clock of the round's start lines them up with the processes' GC logs
        Instant firstWall = Instant.now().minusNanos(System.nanoTime() - firstSent);
        System.err.println("steady slowest 1% sent at s: " + slowest.stream()
                .mapToDouble(e -> (sentAt.get(e.getKey()) - firstSent) / 1e9).sorted()
                .mapToObj(t -> String.format("%.2f", t)).collect(Collectors.joining(" "))
                + " (after the round's first request, " + firstWall + ")");
        oneByOne.values().forEach(request -> System.err.println("steady slow request sent at " + request));
    }

    /** Collection count and accumulated time (ms) of each garbage collector. */
    private static Map<String, long[]> collections() {
        Map<String, long[]> counts = new TreeMap<>();
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            counts.put(gc.getName(), new long[]{gc.getCollectionCount(), gc.getCollectionTime()});
        }
        return counts;
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getTotalThreadAllocatedBytes();
    }

    private static List<String> questions(String phase, int n) {
        List<String> questions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String topic = TOPICS.get(i % TOPICS.size());
            questions.add(topic.chars().anyMatch(c -> c >= 0xAC00 && c <= 0xD7A3)
                    ? topic + "에 대해 알려 주세요 (" + phase + " " + i + ")"
                    : "What does the policy say about " + topic + "? (" + phase + " " + i + ")");
        }
        return questions;
    }

    private static void loadDocuments(LuceneVectorStore store, Embedder embedder) {
        List<float[]> vectors = embedder.embedAll(Arrays.stream(DOCS).map(d -> d[1]).toList());
        List<StoredChunk> chunks = new ArrayList<>();
        for (int i = 0; i < DOCS.length; i++) {
            chunks.add(new StoredChunk(ChunkIds.chunkId("bench", DOCS[i][0], 0), "bench", DOCS[i][0], 1, 0, DOCS[i][0],
                    DOCS[i][1], List.of(), Map.of(), vectors.get(i)));
        }
        store.upsert(chunks);
    }

    private static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temporary directory
        }
    }
}
