package io.streamrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrag.events.AnswerStatus;
import io.streamrag.events.QueryAnswered;
import io.streamrag.events.QueryRequested;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.kafka.TopicAdmin;
import io.streamrag.platform.kafka.Topics;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code streamrag run query} as its own operating-system process: its endpoints, its JSON log on stderr, and a SIGTERM
 * while LLM calls are in flight, after which another instance answers what was left: every request exactly once.
 */
class RunProcessIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void shouldServeItsEndpointsLogJsonAndLoseNoRequest_whenTheQueryProcessIsTerminatedUnderLoad() throws Exception {
        // given: a query process (JSON logs) whose LLM takes a second per call
        String prefix = "run" + UUID.randomUUID().toString().substring(0, 8) + ".";
        int port = freePort();
        try (MistralWireStub stub = MistralWireStub.start("sk-run-" + UUID.randomUUID(), Duration.ofMillis(1000))) {
            Map<String, String> values = settings(prefix, stub);
            Topics topics = topics(values);
            TopicAdmin.ensure(Map.of("bootstrap.servers", TestKafka.shared().bootstrapServers()), topics.specs());
            Map<String, String> first = new HashMap<>(values);
            first.put("query.state.dir", dir.resolve("state-1").toString());
            first.put("vectorstore.lucene.path", dir.resolve("index-1").toString());
            first.put("query.http.port", Integer.toString(port));
            Path stderr = dir.resolve("query-1.log");
            Process process = start(first, stderr);
            try (Client client = new Client(topics, prefix + "reader")) {
                URI base = URI.create("http://127.0.0.1:" + port);
                awaitStatus(base.resolve("/ready"), 200, Duration.ofSeconds(90), process);

                // then: the endpoints of a running process
                assertThat(get(base.resolve("/health")).statusCode()).isEqualTo(200);
                assertThat(get(base.resolve("/metrics")).body()).contains("kafka_stream_", "jvm_memory_used_bytes");

                // when: 20 requests, and SIGTERM once several calls are in flight
                for (int i = 0; i < 20; i++) {
                    client.send(request("term-" + i, i % 2 == 0 ? "acme" : "globex"));
                }
                long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (stub.calls() < 5 && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
                assertThat(stub.calls()).isGreaterThanOrEqualTo(5);
                process.destroy();

                // then: it stops within its close timeout
                assertThat(process.waitFor(45, TimeUnit.SECONDS)).as("stopped within 45 s of SIGTERM").isTrue();

                // when: another instance takes over
                Map<String, String> second = new HashMap<>(values);
                second.put("query.state.dir", dir.resolve("state-2").toString());
                try (LuceneVectorStore store = LuceneVectorStore.open(dir.resolve("index-2"));
                     Embedder embedder = Embedders.miniLm(16, 1);
                     QueryApp next = QueryApp.start(queryConfig(second), embedder, store)) {
                    List<QueryAnswered> answers = client.awaitAnswers(20, Duration.ofSeconds(90));

                    // then: every request answered exactly once
                    Map<String, Long> perId = answers.stream().collect(Collectors.groupingBy(QueryAnswered::getRequestId, Collectors.counting()));
                    assertThat(perId).hasSize(20).allSatisfy((id, n) -> assertThat(n).as("answers to " + id).isEqualTo(1L));
                    assertThat(answers).allSatisfy(a -> assertThat(a.getStatus()).as(a.getReason()).isEqualTo(AnswerStatus.OK));
                }
            } finally {
                process.destroyForcibly();
            }

            // and its log: JSON lines, the start and the graceful stop among them, no API key
            String log = Files.readString(stderr);
            List<JsonNode> lines = new ArrayList<>();
            ObjectMapper mapper = new ObjectMapper();
            for (String line : log.split("\n")) {
                if (line.startsWith("{")) {
                    lines.add(mapper.readTree(line));
                }
            }
            assertThat(lines).extracting(l -> l.path("message").asText())
                    .anySatisfy(m -> assertThat(m).contains("streamrag run query: started", "port " + port))
                    .anySatisfy(m -> assertThat(m).contains("streamrag run query: stopping"))
                    .anySatisfy(m -> assertThat(m).contains("query stream stopping"));
            assertThat(log).doesNotContain(stub.apiKey());
        }
    }

    private static Map<String, String> settings(String prefix, MistralWireStub stub) {
        Map<String, String> values = new HashMap<>();
        values.put("kafka.bootstrap.servers", TestKafka.shared().bootstrapServers());
        values.put("kafka.session.timeout.ms", "6000");
        for (String topic : List.of("topic.document.submitted", "topic.chunk.embedded", "topic.document.ingested",
                "topic.ingest.dlq", "topic.prompt.template", "topic.query.requested", "topic.answer.generated",
                "topic.query.dlq", "topic.telemetry", "topic.metrics", "topic.alerts")) {
            values.put(topic, prefix + topic.substring("topic.".length()));
        }
        values.put("topic.partitions", "2");
        values.put("query.application.id", prefix + "query");
        values.put("query.default.timeout.ms", "180000");
        values.put("auth.mode", "off");
        values.put("cache.enabled", "false");
        values.put("llm.provider", "mistral");
        values.put("mistral.api.key", stub.apiKey());
        values.put("mistral.base.url", stub.baseUrl().toString());
        values.put("llm.fallback.provider", "none");
        values.put("llm.max.retries", "0");
        return values;
    }

    private static Topics topics(Map<String, String> values) {
        ConfigReader reader = new ConfigReader(Settings.of(Topics.KEYS, values));
        Topics topics = Topics.from(reader);
        reader.validate();
        return topics;
    }

    private static QueryConfig queryConfig(Map<String, String> values) {
        ConfigReader reader = new ConfigReader(Settings.of(QueryConfig.KEYS, values));
        QueryConfig config = QueryConfig.from(reader);
        reader.validate();
        return config;
    }

    /** {@code java ... io.streamrag.cli.StreamRag run query --set k=v ...} on this test's class path, LOG_FORMAT=json. */
    private static Process start(Map<String, String> values, Path stderr) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), StreamRag.class.getName(), "run", "query"));
        values.forEach((k, v) -> {
            command.add("--set");
            command.add(k + "=" + v);
        });
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("LOG_FORMAT", "json");
        return builder.start();
    }

    private static void awaitStatus(URI uri, int status, Duration timeout, Process process) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < end) {
            assertThat(process.isAlive()).as("the query process is running").isTrue();
            try {
                last = get(uri).statusCode();
                if (last == status) {
                    return;
                }
            } catch (ConnectException notYet) {
                // the endpoints are not bound yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(uri + " answered " + last + ", not " + status + ", within " + timeout);
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static QueryRequested request(String id, String tenant) {
        return QueryRequested.newBuilder().setHeader(Events.header("corr-" + id)).setRequestId(id).setTenant(tenant)
                .setQuestion("How many vacation days do employees get? (" + id + ")").build();
    }

    /** Produces requests and reads committed answers. */
    private static final class Client implements AutoCloseable {
        private final Topics topics;
        private final KafkaProducer<String, byte[]> producer;
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<QueryAnswered> answers = new ArrayList<>();

        Client(Topics topics, String group) {
            String bootstrap = TestKafka.shared().bootstrapServers();
            this.topics = topics;
            this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new StringSerializer(), new ByteArraySerializer());
            this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(topics.answerGenerated()));
        }

        void send(QueryRequested request) {
            producer.send(new ProducerRecord<>(topics.queryRequested(), request.getRequestId(),
                    AvroSerde.of(QueryRequested.class).encode(request)));
            producer.flush();
        }

        List<QueryAnswered> awaitAnswers(int count, Duration timeout) {
            long end = System.nanoTime() + timeout.toNanos();
            while (answers.size() < count && System.nanoTime() < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> answers.add(AvroSerde.of(QueryAnswered.class).decode(r.value())));
            }
            long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < settle) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> answers.add(AvroSerde.of(QueryAnswered.class).decode(r.value())));
            }
            return List.copyOf(answers);
        }

        @Override
        public void close() {
            producer.close();
            consumer.close();
        }
    }
}
