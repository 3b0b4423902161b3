package io.streamrag.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrag.events.AnswerStatus;
import io.streamrag.events.QueryAnswered;
import io.streamrag.events.QueryRequested;
import io.streamrag.monitor.MonitorApp;
import io.streamrag.monitor.MonitorConfig;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.ops.OpsEndpoints;
import io.streamrag.platform.vector.ChunkIds;
import io.streamrag.platform.vector.StoredChunk;
import io.streamrag.query.QueryApp;
import io.streamrag.query.QueryConfig;
import io.streamrag.query.llm.stub.MistralWireStub;
import io.streamrag.schemas.AvroSerde;
import io.streamrag.schemas.Events;
import io.streamrag.testkit.TestKafka;
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
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distributed form on one broker: query and monitor instances sharing their application ids and the work, the
 * way `streamrag run query` and `streamrag run monitor` scale out. Every request is answered once, also when an
 * instance stops under load; either monitor shows the whole count; the log lines are JSON with the request's ids and
 * without the secrets the processes were configured with.
 */
class ScaleOutIntegrationTest {

    private static final String SECRET = "sk-scale-out-" + UUID.randomUUID();
    private static final List<String> TENANTS = List.of("acme", "globex", "initech", "umbrella");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    private static Embedder embedder;
    private static LuceneVectorStore store;
    private static final ByteArrayOutputStream LOGS = new ByteArrayOutputStream();
    private static OutputStreamAppender<ILoggingEvent> capture;

    @BeforeAll
    static void loadDocumentsAndCaptureLogs() {
        embedder = Embedders.miniLm(16, 1);
        store = LuceneVectorStore.open(dir.resolve("index"));
        List<String> texts = TENANTS.stream().map(t -> "Employees of " + t + " receive " + (20 + t.length())
                + " days of paid vacation per year. Unused days expire at the end of March.").toList();
        List<float[]> vectors = embedder.embedAll(texts);
        List<StoredChunk> chunks = new ArrayList<>();
        for (int i = 0; i < TENANTS.size(); i++) {
            chunks.add(new StoredChunk(ChunkIds.chunkId(TENANTS.get(i), "vacation", 0), TENANTS.get(i), "vacation", 1, 0,
                    "Vacation", texts.get(i), List.of(), Map.of(), vectors.get(i)));
        }
        store.upsert(chunks);

        // every log line of the test JVM, as `log.format=json` writes it
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.start();
        capture = new OutputStreamAppender<>();
        capture.setContext(context);
        capture.setEncoder(encoder);
        capture.setOutputStream(LOGS);
        capture.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(capture);
        context.getLogger("io.streamrag.query").setLevel(Level.DEBUG);
    }

    @AfterAll
    static void release() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(capture);
        context.getLogger("io.streamrag.query").setLevel(null);
        capture.stop();
        store.close();
        embedder.close();
    }

    @Test
    void shouldAnswerEveryRequestOnceAndCountItOnEitherMonitor_whenTwoInstancesOfEachShareTheWork() throws Exception {
        // given: two query and two monitor instances on four partitions
        Cluster cluster = new Cluster();
        try (MistralWireStub stub = MistralWireStub.start(SECRET, Duration.ofMillis(20));
             QueryApp first = cluster.query(stub, "a"); QueryApp second = cluster.query(stub, "b");
             OpsEndpoints firstOps = OpsEndpoints.serve("127.0.0.1", 0).watch(first.streams(), () -> true);
             MonitorApp monitorA = cluster.monitor(); MonitorApp monitorB = cluster.monitor();
             Client client = cluster.client()) {
            awaitRunning(first.streams(), second.streams(), monitorA.streams(), monitorB.streams());

            // when: 40 requests from four tenants, and one of them delivered twice
            for (int i = 0; i < 40; i++) {
                client.send(request("req-" + i, TENANTS.get(i % TENANTS.size()), "How many vacation days do employees get? (" + i + ")"));
            }
            client.send(request("req-7", TENANTS.get(7 % TENANTS.size()), "How many vacation days do employees get? (7)"));
            List<QueryAnswered> answers = client.awaitAnswers(40, Duration.ofSeconds(60));

            // then: once each, from both query instances
            assertOncePerRequest(answers, 40);
            assertThat(answers).allSatisfy(a -> assertThat(a.getStatus()).as(a.getReason()).isEqualTo(AnswerStatus.OK));
            assertThat(answers.stream().map(QueryAnswered::getTenant).distinct()).containsExactlyInAnyOrderElementsOf(TENANTS);
            assertThat(activeTasks(first.streams())).isPositive();
            assertThat(activeTasks(second.streams())).isPositive();
            // and either monitor reports the whole count, gathered from both instances
            for (MonitorApp monitor : List.of(monitorA, monitorB)) {
                String metrics = awaitTotal(monitor, 40);
                assertThat(number(metrics, "\"instances\":(\\d+)")).isEqualTo(2);
            }
            // and the ops endpoints of a query instance
            assertThat(get(URI.create("http://127.0.0.1:" + firstOps.port() + "/ready")).statusCode()).isEqualTo(200);
            String scrape = get(URI.create("http://127.0.0.1:" + firstOps.port() + "/metrics")).body();
            assertThat(scrape).contains("kafka_stream_", "kafka_consumer_fetch_manager_records_lag_max", "kafka_producer_", "jvm_gc_");
            keep("query-instance-metrics.txt", scrape);
            assertThat(get(monitorA.url().resolve("/ready")).statusCode()).isEqualTo(200);
            assertThat(get(monitorA.url().resolve("/metrics")).body()).contains("gen_ai_client", "kafka_stream_", "jvm_memory_used_bytes");
        }

        // and the logs: JSON lines; the one about the redelivery carries its ids; the secret is nowhere
        List<JsonNode> lines = logLines();
        assertThat(lines).filteredOn(l -> l.path("message").asText().contains("dropping redelivered request"))
                .isNotEmpty()
                .allSatisfy(l -> {
                    assertThat(l.path("request_id").asText()).isEqualTo("req-7");
                    assertThat(l.path("correlation_id").asText()).isEqualTo("corr-req-7");
                    assertThat(l.path("tenant").asText()).isEqualTo(TENANTS.get(3));
                });
        assertThat(lines).anySatisfy(l -> assertThat(l.path("message").asText()).contains("query stream", "running"));
        assertThat(LOGS.toString(StandardCharsets.UTF_8)).doesNotContain(SECRET);
    }

    @Test
    void shouldAnswerEveryRequestExactlyOnce_whenAQueryInstanceStopsUnderLoadAndANewOneStarts() throws Exception {
        // given: two instances with calls in flight (each LLM call takes a second)
        Cluster cluster = new Cluster();
        try (MistralWireStub stub = MistralWireStub.start(SECRET, Duration.ofMillis(1000));
             QueryApp staying = cluster.query(stub, "staying");
             Client client = cluster.client()) {
            QueryApp leaving = cluster.query(stub, "leaving");
            awaitRunning(staying.streams(), leaving.streams());
            for (int i = 0; i < 30; i++) {
                client.send(request("load-" + i, TENANTS.get(i % TENANTS.size()), "How many vacation days are there? (" + i + ")"));
            }
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (stub.calls() < 10 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(stub.calls()).isGreaterThanOrEqualTo(10);

            // when: one instance stops as on SIGTERM, and a new one (fresh state directory) joins
            assertThat(activeTasks(leaving.streams())).isPositive();
            leaving.close();
            try (QueryApp joining = cluster.query(stub, "joining")) {
                List<QueryAnswered> answers = client.awaitAnswers(30, Duration.ofSeconds(90));

                // then: nothing lost, nothing twice
                assertOncePerRequest(answers, 30);
                assertThat(answers).allSatisfy(a -> assertThat(a.getStatus()).as(a.getReason()).isEqualTo(AnswerStatus.OK));
            }
        }
    }

    private static void assertOncePerRequest(List<QueryAnswered> answers, int requests) {
        Map<String, Long> perId = answers.stream().collect(Collectors.groupingBy(QueryAnswered::getRequestId, Collectors.counting()));
        assertThat(perId).hasSize(requests);
        assertThat(perId).allSatisfy((id, count) -> assertThat(count).as("answers to " + id).isEqualTo(1L));
    }

    private static QueryRequested request(String id, String tenant, String question) {
        return QueryRequested.newBuilder()
                .setHeader(Events.header("corr-" + id))
                .setRequestId(id)
                .setTenant(tenant)
                .setQuestion(question)
                .build();
    }

    /** Instances of one deployment: same application ids and topics, each query instance with its own state. */
    private static final class Cluster {
        final String prefix = "scale" + UUID.randomUUID().toString().substring(0, 8) + ".";
        final Map<String, String> shared = new HashMap<>();

        Cluster() {
            shared.put("kafka.bootstrap.servers", TestKafka.shared().bootstrapServers());
            for (String topic : List.of("topic.prompt.template", "topic.query.requested", "topic.answer.generated",
                    "topic.query.dlq", "topic.telemetry", "topic.document.ingested", "topic.metrics", "topic.alerts")) {
                shared.put(topic, prefix + topic.substring("topic.".length()));
            }
            shared.put("topic.partitions", "4");
            shared.put("kafka.session.timeout.ms", "6000");
        }

        QueryApp query(MistralWireStub stub, String instance) {
            Map<String, String> values = new HashMap<>(shared);
            values.put("query.application.id", prefix + "query");
            values.put("query.state.dir", dir.resolve(prefix + instance).toString());
            values.put("query.default.timeout.ms", "180000");
            values.put("auth.mode", "off");
            values.put("cache.enabled", "false");
            values.put("llm.provider", "mistral");
            values.put("mistral.api.key", stub.apiKey());
            values.put("mistral.base.url", stub.baseUrl().toString());
            values.put("llm.fallback.provider", "none");
            values.put("llm.max.retries", "0");
            ConfigReader reader = new ConfigReader(Settings.of(QueryConfig.KEYS, values));
            QueryConfig config = QueryConfig.from(reader);
            reader.validate();
            return QueryApp.start(config, embedder, store);
        }

        MonitorApp monitor() {
            Map<String, String> values = new HashMap<>(shared);
            values.put("monitor.application.id", prefix + "monitor");
            values.put("monitor.http.host", "127.0.0.1");
            values.put("monitor.http.port", "0");
            values.put("monitor.commit.interval.ms", "200");
            ConfigReader reader = new ConfigReader(Settings.of(MonitorConfig.KEYS, values));
            MonitorConfig config = MonitorConfig.from(reader);
            reader.validate();
            return MonitorApp.start(config);
        }

        Client client() {
            return new Client(shared.get("topic.query.requested"), shared.get("topic.answer.generated"), prefix + "reader");
        }
    }

    /** Produces requests and reads the committed answers. */
    private static final class Client implements AutoCloseable {
        private final String requests;
        private final KafkaProducer<String, byte[]> producer;
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<QueryAnswered> answers = new ArrayList<>();

        Client(String requests, String answerTopic, String group) {
            String bootstrap = TestKafka.shared().bootstrapServers();
            this.requests = requests;
            this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new StringSerializer(), new ByteArraySerializer());
            this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(answerTopic));
        }

        void send(QueryRequested request) {
            producer.send(new ProducerRecord<>(requests, request.getRequestId(), AvroSerde.of(QueryRequested.class).encode(request)));
            producer.flush();
        }

        /** Reads until {@code count} answers arrived, then two seconds more so that a duplicate would show. */
        List<QueryAnswered> awaitAnswers(int count, Duration timeout) {
            long end = System.nanoTime() + timeout.toNanos();
            while (answers.size() < count && System.nanoTime() < end) {
                poll();
            }
            long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < settle) {
                poll();
            }
            return List.copyOf(answers);
        }

        private void poll() {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> answers.add(AvroSerde.of(QueryAnswered.class).decode(r.value())));
        }

        @Override
        public void close() {
            producer.close();
            consumer.close();
        }
    }

    private static void awaitRunning(KafkaStreams... all) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        for (KafkaStreams streams : all) {
            while (streams.state() != KafkaStreams.State.RUNNING || activeTasks(streams) == 0) {
                assertThat(System.nanoTime()).as("every instance running with tasks within 90 s").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    private static int activeTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }

    private static String awaitTotal(MonitorApp monitor, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = get(monitor.url().resolve("/api/metrics")).body();
            if (number(last, "\"totals\":\\{\"requests\":(\\d+)") == expected && number(last, "\"instances\":(\\d+)") == 2) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("expected " + expected + " requests from 2 instances at " + monitor.url() + "; last: "
                + last.substring(0, Math.min(400, last.length())));
    }

    private static long number(String json, String regex) {
        Matcher m = Pattern.compile(regex).matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Leaves a copy for whoever reads the test's output (what a Prometheus scrape of a query instance holds). */
    private static void keep(String name, String text) throws IOException {
        Path artifacts = Path.of(System.getProperty("streamrag.test.artifacts", "target/test-artifacts"));
        java.nio.file.Files.createDirectories(artifacts);
        java.nio.file.Files.writeString(artifacts.resolve(name), text);
    }

    private static List<JsonNode> logLines() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : LOGS.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(mapper.readTree(line));
            }
        }
        return lines;
    }
}
