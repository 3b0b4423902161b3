package io.streamrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrag.events.AnswerStatus;
import io.streamrag.events.Citation;
import io.streamrag.events.QueryAnswered;
import io.streamrag.events.QueryRequested;
import io.streamrag.platform.kafka.TopicAdmin;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.schemas.AvroSerde;
import io.streamrag.schemas.Events;
import io.streamrag.testkit.TestKafka;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ask plumbing on a real broker. A tiny responder stands in for the query stream: it answers the requests
 * of this test's tenant with an echo, so the test checks what ask sends, how it waits and what it prints.
 */
class AskCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Topics topics = Topics.defaults();
    private final String bootstrap = TestKafka.shared().bootstrapServers();
    private final String tenant = "ask-test-" + UUID.randomUUID();
    private final List<QueryRequested> received = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private Thread responder;
    private volatile AnswerStatus statusToSend = AnswerStatus.OK;
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path home;
    private java.nio.file.Path noSecret;

    @BeforeEach
    void startResponder() throws Exception {
        noSecret = home.resolve("absent/secret");
        TopicAdmin.ensure(Map.of("bootstrap.servers", bootstrap), topics.specs());
        awaitMetadata(topics.queryRequested(), topics.answerGenerated());
        CountDownLatch positioned = new CountDownLatch(1);
        responder = Thread.ofPlatform().start(() -> respond(positioned));
        assertThat(positioned.await(30, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * A topic just created can be unknown to a client for a moment (the broker applies the controller's metadata
     * asynchronously, slower when the shared broker already holds many topics); the responder and ask look the
     * partitions up once, so wait until a client sees them.
     */
    private void awaitMetadata(String... names) throws InterruptedException {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (String name : names) {
                while (consumer.partitionsFor(name, Duration.ofSeconds(5)).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            }
        }
    }

    @AfterEach
    void stopResponder() throws Exception {
        running.set(false);
        responder.join(10_000);
    }

    private void respond(CountDownLatch positioned) {
        Map<String, Object> props = Map.of("bootstrap.servers", bootstrap);
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), AvroSerde.of(QueryRequested.class).deserializer());
             var producer = new KafkaProducer<>(props, new StringSerializer(), AvroSerde.of(QueryAnswered.class).serializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.queryRequested()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.endOffsets(partitions).forEach(consumer::seek);
            positioned.countDown();
            while (running.get()) {
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    QueryRequested request = record.value();
                    if (!tenant.equals(request.getTenant())) {
                        continue;
                    }
                    received.add(request);
                    QueryAnswered answer = QueryAnswered.newBuilder().setHeader(Events.header(request.getRequestId()))
                            .setRequestId(request.getRequestId()).setTenant(tenant).setStatus(statusToSend)
                            .setReason(statusToSend == AnswerStatus.OK ? null : "llm unavailable")
                            .setAnswer("echo: " + request.getQuestion())
                            .setCitations(List.of(new Citation("handbook", "x/handbook#0", null, 0.9), new Citation("handbook", "x/handbook#1", null, 0.7),
                                    new Citation("faq", "x/faq#0", null, 0.5)))
                            .setProvider("offline-extractive").setModel("extractive-v1")
                            .build();
                    producer.send(new ProducerRecord<>(topics.answerGenerated(), request.getRequestId(), answer));
                }
            }
        }
    }

    private int ask(AskCommand command, String... args) {
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        command.grace = Duration.ofMillis(500);
        if (command.secretFile.equals(io.streamrag.platform.auth.DemoSecret.defaultPath())) {
            command.secretFile = noSecret;   // never read the real home folder in tests
        }
        return new CommandLine(command).execute(args);
    }

    @Test
    void shouldPrintAnswerStatusAndCitations_whenAnswerArrives() {
        // when
        int exit = ask(new AskCommand(), "--bootstrap", bootstrap, "--tenant", tenant, "--acl", "staff,hr", "--template", "rag-qa",
                "--timeout", "20", "How long do refunds take?");

        // then
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).isZero();
        assertThat(output).contains("echo: How long do refunds take?").contains("status: OK").contains("citations: handbook, faq");
        assertThat(received).hasSize(1);
        QueryRequested request = received.getFirst();
        assertThat(request.getAclGroups()).containsExactly("staff", "hr");
        assertThat(request.getTemplateId()).isEqualTo("rag-qa");
        assertThat(request.getDeadlineMs()).isAfter(request.getHeader().getTimestamp());
        assertThat(request.getHeader().getCorrelationId()).isEqualTo(request.getRequestId());
    }

    @Test
    void shouldPrintWholeRecordAsJsonAndExitNonZero_whenStatusIsNotOk() throws Exception {
        // given
        statusToSend = AnswerStatus.FAILED;

        // when
        int exit = ask(new AskCommand(), "--bootstrap", bootstrap, "--tenant", tenant, "--json", "--timeout", "20", "Anything?");

        // then
        JsonNode json = JSON.readTree(printed.toString(StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(AskCommand.NOT_OK);
        assertThat(json.path("status").asText()).isEqualTo("FAILED");
        assertThat(json.path("reason").asText()).isEqualTo("llm unavailable");
        assertThat(json.path("requestId").asText()).isEqualTo(received.getFirst().getRequestId());
    }

    @Test
    void shouldSignTheRequestWithTheTenantKeyDerivedFromTheDemoSecret_whenTheSecretFileExists() {
        // given: the demo's secret in a home folder
        java.nio.file.Path secretFile = home.resolve(".streamrag/demo/secret");
        byte[] secret = io.streamrag.platform.auth.DemoSecret.loadOrCreate(secretFile);
        AskCommand command = new AskCommand();
        command.secretFile = secretFile;

        // when
        int exit = ask(command, "--bootstrap", bootstrap, "--tenant", tenant, "--timeout", "20", "How long do refunds take?");

        // then: the stream's verifier, given the same secret, accepts the proof
        assertThat(exit).isZero();
        QueryRequested request = received.getFirst();
        assertThat(request.getAuth()).isNotNull();
        assertThat(request.getAuth().getScheme()).isEqualTo("hmac-sha256");
        var verifier = new io.streamrag.query.governance.RequestAuthenticator(true,
                io.streamrag.platform.auth.TenantKeys.derived(secret), Duration.ofMinutes(5));
        assertThat(verifier.check(request, System.currentTimeMillis())).isEmpty();
        var otherDemo = new io.streamrag.query.governance.RequestAuthenticator(true,
                io.streamrag.platform.auth.TenantKeys.derived(new byte[32]), Duration.ofMinutes(5));
        assertThat(otherDemo.check(request, System.currentTimeMillis())).isPresent();
    }

    @Test
    void shouldSendAnUnsignedRequest_whenThereIsNoDemoSecret() {
        // when
        int exit = ask(new AskCommand(), "--bootstrap", bootstrap, "--tenant", tenant, "--timeout", "20", "Hello?");

        // then
        assertThat(exit).isZero();
        assertThat(received.getFirst().getAuth()).isNull();
    }

    @Test
    void shouldExitWithNoAnswerCode_whenNothingAnswersInTime() {
        // when: a tenant the responder ignores
        int exit = ask(new AskCommand(), "--bootstrap", bootstrap, "--tenant", "nobody-answers", "--timeout", "1", "Hello?");

        // then
        assertThat(exit).isEqualTo(AskCommand.NO_ANSWER);
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
