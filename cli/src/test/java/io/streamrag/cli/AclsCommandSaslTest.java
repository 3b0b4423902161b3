package io.streamrag.cli;

import io.streamrag.kafka.embedded.EmbeddedKafkaBroker;
import io.streamrag.platform.kafka.Acls;
import io.streamrag.platform.kafka.TopicAdmin;
import io.streamrag.platform.kafka.TopicSpec;
import io.streamrag.platform.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tenant ACL model on a broker that authenticates with SASL/SCRAM and authorizes with ACLs: the ACLs are
 * applied by {@code streamrag acls tenant --apply} as the admin, then each tenant's principal is tried.
 */
class AclsCommandSaslTest {

    private static final Topics TOPICS = Topics.defaults();
    private static EmbeddedKafkaBroker broker;
    @TempDir
    static Path dir;

    @BeforeAll
    static void startBrokerAndApplyAcls() throws Exception {
        broker = EmbeddedKafkaBroker.startSecured(new EmbeddedKafkaBroker.Scram("admin", "admin-pw-9",
                Map.of("acme", "acme-pw-9", "globex", "globex-pw-9")));
        List<TopicSpec> specs = new ArrayList<>(TOPICS.specs());
        specs.add(new TopicSpec(Acls.tenantAnswerTopic(TOPICS, "acme"), 1, (short) 1, Map.of()));
        specs.add(new TopicSpec(Acls.tenantAnswerTopic(TOPICS, "globex"), 1, (short) 1, Map.of()));
        TopicAdmin.ensure(broker.adminProperties(), specs);

        Path adminConfig = dir.resolve("admin.properties");
        StringBuilder lines = new StringBuilder();
        EmbeddedKafkaBroker.saslProperties("admin", "admin-pw-9")
                .forEach((k, v) -> lines.append(k).append('=').append(v.toString().replace("\\", "\\\\")).append('\n'));
        Files.writeString(adminConfig, lines);
        for (String tenant : List.of("acme", "globex")) {
            assertThat(run("acls", "tenant", "--tenant", tenant, "--principal", "User:" + tenant, "--apply",
                    "--bootstrap", broker.bootstrapServers(), "--command-config", adminConfig.toString())).isZero();
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldPrintExactlyTheThreeTenantAcls() {
        // when
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        AclsCommand.Tenant command = new AclsCommand.Tenant();
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(command).execute("--tenant", "acme", "--principal", "User:acme");

        // then
        assertThat(exit).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "ALLOW User:acme WRITE TOPIC rag.query.requested (literal)",
                "ALLOW User:acme READ TOPIC rag.answer.generated.acme (literal)",
                "ALLOW User:acme READ GROUP acme: (prefixed)");
    }

    @Test
    void shouldListAStreamsOwnTopicsGroupAndTransactionalIds_andNoOtherStreamsInputs() {
        // when
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        AclsCommand.Stream command = new AclsCommand.Stream();
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).execute("query", "--per-tenant-answers");
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();

        // then
        assertThat(exit).isZero();
        assertThat(lines).contains(
                "ALLOW User:query READ TOPIC rag.query.requested (literal)",
                "ALLOW User:query WRITE TOPIC rag.answer.generated (literal)",
                "ALLOW User:query WRITE TOPIC rag.answer.generated. (prefixed)",
                "ALLOW User:query CREATE TOPIC rag.answer.generated. (prefixed)",
                "ALLOW User:query ALL TOPIC streamrag-query (prefixed)",
                "ALLOW User:query READ GROUP streamrag-query (prefixed)",
                "ALLOW User:query WRITE TRANSACTIONAL_ID streamrag-query (prefixed)");
        assertThat(lines).noneMatch(l -> l.contains("READ TOPIC rag.document.submitted") || l.contains("READ TOPIC rag.chunk.embedded"));
        assertThat(new CommandLine(new AclsCommand.Stream()).setCaseInsensitiveEnumValuesAllowed(true)
                .execute("ingest", "query", "--principal", "User:x")).isEqualTo(2);
    }

    @Test
    void shouldLetATenantProduceARequest_andReadItsOwnAnswers() throws Exception {
        // given: the query stream's place is taken by the admin writing one answer
        String answerTopic = Acls.tenantAnswerTopic(TOPICS, "acme");
        try (var producer = producer(broker.adminProperties())) {
            producer.send(new ProducerRecord<>(answerTopic, "r1", "the answer for acme")).get(30, TimeUnit.SECONDS);
        }

        // when / then: acme writes a request
        try (var producer = producer(acme())) {
            assertThat(producer.send(new ProducerRecord<>(TOPICS.queryRequested(), "r1", "a question")).get(30, TimeUnit.SECONDS)
                    .topic()).isEqualTo(TOPICS.queryRequested());
        }
        // and reads its answer topic, without and with a consumer group of its own
        assertThat(readAll(acme(), answerTopic, null)).contains("the answer for acme");
        assertThat(readAll(acme(), answerTopic, "acme:ask-1")).contains("the answer for acme");
    }

    @Test
    void shouldDenyATenantEveryOtherTopicAndGroup() {
        assertThatThrownBy(() -> readAll(acme(), Acls.tenantAnswerTopic(TOPICS, "globex"), null))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> readAll(acme(), TOPICS.chunkEmbedded(), null))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> readAll(acme(), TOPICS.answerGenerated(), null))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> readAll(acme(), Acls.tenantAnswerTopic(TOPICS, "acme"), "globex:ask"))
                .isInstanceOf(GroupAuthorizationException.class);
        try (var producer = producer(acme())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPICS.documentSubmitted(), "acme/d1", "a document"))
                    .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void shouldRefuseAClient_whoseTenantPasswordIsWrong() {
        // given
        Map<String, Object> props = new HashMap<>(broker.clientProperties("acme", "globex-pw-9"));
        props.put("request.timeout.ms", "5000");
        props.put("default.api.timeout.ms", "10000");

        // when / then
        try (Admin admin = Admin.create(props)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(15, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    private static Map<String, Object> acme() {
        return broker.clientProperties("acme", "acme-pw-9");
    }

    private static int run(String... args) {
        return new CommandLine(new StreamRag()).execute(args);
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> props) {
        Map<String, Object> p = new HashMap<>(props);
        p.put("max.block.ms", "15000");
        p.put("delivery.timeout.ms", "15000");
        p.put("request.timeout.ms", "10000");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Everything on the topic, by assignment (no group) or by subscribing with {@code group}. */
    private static List<String> readAll(Map<String, Object> props, String topic, String group) {
        Map<String, Object> p = new HashMap<>(props);
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        p.put("default.api.timeout.ms", "15000");
        if (group != null) {
            p.put("group.id", group);
        }
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            if (group == null) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                        .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
            } else {
                consumer.subscribe(List.of(topic));
            }
            long deadline = System.currentTimeMillis() + 20_000;
            while (values.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
