package io.streamrag.cli;

import io.streamrag.events.AnswerStatus;
import io.streamrag.events.AuthProof;
import io.streamrag.events.Citation;
import io.streamrag.events.QueryAnswered;
import io.streamrag.events.QueryRequested;
import io.streamrag.platform.auth.DemoSecret;
import io.streamrag.platform.auth.RequestProofs;
import io.streamrag.platform.auth.TenantKeys;
import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.kafka.Acls;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.schemas.AvroJson;
import io.streamrag.schemas.AvroSerde;
import io.streamrag.schemas.Events;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code streamrag ask "question"}: produces one {@link QueryRequested} and waits for the {@link QueryAnswered}
 * with its request id. The answer topic is read from the end offsets taken before the request is produced, on
 * every partition and without a consumer group, so no answer can slip by and nothing is left on the broker.
 * Exit code: 0 for an OK answer, 1 for any other status, 2 when no answer came in time.
 */
@Command(name = "ask", mixinStandardHelpOptions = true,
        description = "Ask a question and print its answer with status and citations (doc ids).")
final class AskCommand implements Callable<Integer> {

    static final int NOT_OK = 1;
    static final int NO_ANSWER = 2;
    /** How long past the request's deadline to keep waiting: the TIMEOUT answer itself needs a moment to arrive. */
    Duration grace = Duration.ofSeconds(5);

    @Parameters(index = "0", paramLabel = "QUESTION")
    String question;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Broker (default: the running demo's, else " + KafkaCli.FALLBACK_BOOTSTRAP + ").")
    String bootstrap;

    @Option(names = "--tenant", required = true, description = "Whose documents to search.")
    String tenant;

    @Option(names = "--template", paramLabel = "ID", description = "Prompt template (default: the stream's default, rag-qa).")
    String template;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "Template parameter; repeatable.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--acl", paramLabel = "GROUP", split = ",", description = "The requester's groups, comma-separated.")
    List<String> aclGroups = List.of();

    @Option(names = "--user", description = "The requester's user id.")
    String user;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "The request's deadline (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds = 30;

    @Option(names = "--json", description = "Print the whole answer record as JSON.")
    boolean json;

    @Option(names = "--own-answer-topic", negatable = true, fallbackValue = "true",
            description = "Read the answer from <answer topic>.<tenant>, as a query stream with query.answers.per.tenant writes it "
                    + "(default: QUERY_ANSWERS_PER_TENANT, else false).")
    Boolean ownAnswerTopic;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.mechanism, sasl.jaas.config, ...), over KAFKA_* variables.")
    Path commandConfig;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "Sign the request with the tenant's key (base64, as in auth.tenant.keys) read from this file "
                    + "(default: the key derived from the demo secret, when it exists).")
    Path keyFile;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        Topics topics = KafkaCli.topics();
        String servers = KafkaCli.bootstrap(bootstrap);
        String answerTopic = answerTopic(topics);
        String requestId = UUID.randomUUID().toString();
        Duration timeout = Duration.ofMillis(Math.round(timeoutSeconds * 1000));
        AvroSerde<QueryAnswered> answers = AvroSerde.of(QueryAnswered.class);

        Map<String, Object> consumerProps = KafkaCli.clientProperties(servers, commandConfig);
        consumerProps.put("enable.auto.commit", "false");
        consumerProps.put("client.id", "streamrag-ask-" + requestId);
        consumerProps.put("allow.auto.create.topics", "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, QueryRequested> producer = new KafkaProducer<>(producerProps(servers, commandConfig), new StringSerializer(),
                     AvroSerde.of(QueryRequested.class).serializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(answerTopic, Duration.ofSeconds(15));
            if (partitions == null || partitions.isEmpty()) {
                err.println("streamrag ask: topic '" + answerTopic + "' does not exist on " + servers);
                return NO_ANSWER;
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(assigned);
            // Positions are fixed BEFORE the request exists: the answer can only come after them.
            consumer.endOffsets(assigned).forEach(consumer::seek);

            Instant deadline = Instant.now().plus(timeout); // from now: connecting may have taken a while
            QueryRequested request = QueryRequested.newBuilder()
                    .setHeader(Events.header(requestId))
                    .setRequestId(requestId)
                    .setTenant(tenant)
                    .setQuestion(question)
                    .setUserId(user)
                    .setAclGroups(List.copyOf(aclGroups))
                    .setTemplateId(template)
                    .setTemplateParams(Map.copyOf(params))
                    .setDeadlineMs(deadline)
                    .build();
            signIfDemo(request);
            producer.send(new ProducerRecord<>(topics.queryRequested(), requestId, request)).get();

            Optional<QueryAnswered> answer = await(consumer, answers, requestId, deadline.plus(grace));
            if (answer.isEmpty()) {
                err.println("streamrag ask: no answer for request " + requestId + " within " + timeoutSeconds
                        + " s (is the query stream running?)");
                return NO_ANSWER;
            }
            print(answer.get());
            return answer.get().getStatus() == AnswerStatus.OK ? 0 : NOT_OK;
        }
    }

    /**
     * Signs the request with the tenant's key from {@code --key-file}, else with the key derived from the demo secret in
     * the user's home folder when that file exists (the demo creates it); without either the request goes unsigned and
     * a stream that requires proofs blocks it.
     */
    void signIfDemo(QueryRequested request) throws IOException {
        byte[] key;
        if (keyFile != null) {
            key = Base64.getDecoder().decode(Files.readString(keyFile).strip());
        } else {
            Optional<byte[]> secret = DemoSecret.load(secretFile);
            if (secret.isEmpty()) {
                return;
            }
            key = TenantKeys.derived(secret.get()).keyOf(request.getTenant()).orElseThrow();
        }
        long issuedAt = System.currentTimeMillis();
        request.setAuth(AuthProof.newBuilder()
                .setScheme(RequestProofs.SCHEME)
                .setIssuedAtMs(issuedAt)
                .setSignature(RequestProofs.sign(key, request.getRequestId(), request.getTenant(), request.getQuestion(), issuedAt))
                .build());
    }

    /** The shared answer topic, or the tenant's own when the query stream writes one per tenant. */
    String answerTopic(Topics topics) {
        boolean own = ownAnswerTopic != null ? ownAnswerTopic
                : Settings.load(List.of(PER_TENANT), null, System.getenv(), Map.of()).get(PER_TENANT.name())
                        .map(v -> v.equalsIgnoreCase("true")).orElse(false);
        return own ? Acls.tenantAnswerTopic(topics, tenant) : topics.answerGenerated();
    }

    private static final ConfigKey PER_TENANT = ConfigKey.of("query.answers.per.tenant", "false", "");

    /** Where the demo secret is looked for. */
    Path secretFile = DemoSecret.defaultPath();

    private static Map<String, Object> producerProps(String servers, Path commandConfig) {
        Map<String, Object> props = KafkaCli.clientProperties(servers, commandConfig);
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        return props;
    }

    private Optional<QueryAnswered> await(KafkaConsumer<String, byte[]> consumer, AvroSerde<QueryAnswered> answers,
                                          String requestId, Instant giveUpAt) {
        while (Instant.now().isBefore(giveUpAt)) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (!requestId.equals(record.key()) || record.value() == null) {
                    continue;
                }
                try {
                    QueryAnswered answer = answers.decode(record.value());
                    if (requestId.equals(answer.getRequestId())) {
                        return Optional.of(answer);
                    }
                } catch (RuntimeException unreadable) {
                    err.println("streamrag ask: skipping an unreadable answer record at offset " + record.offset()
                            + ": " + unreadable.getMessage());
                }
            }
        }
        return Optional.empty();
    }

    private void print(QueryAnswered answer) {
        if (json) {
            out.println(AvroJson.toPrettyJson(answer));
            return;
        }
        if (answer.getAnswer() != null) {
            out.println(answer.getAnswer());
            out.println();
        }
        if (!answer.getFields().isEmpty()) {
            answer.getFields().forEach((name, value) -> out.println(name + ": " + value));
            out.println();
        }
        out.println("status: " + answer.getStatus() + (answer.getReason() == null ? "" : " (" + answer.getReason() + ")"));
        List<String> docs = answer.getCitations().stream().map(Citation::getDocId).map(CharSequence::toString).distinct().toList();
        out.println("citations: " + (docs.isEmpty() ? "none" : String.join(", ", docs)));
        if (answer.getCached()) {
            out.println("answered from the semantic cache (no LLM call)");
        }
        if (!answer.getFlags().isEmpty()) {
            out.println("flags: " + String.join(", ", answer.getFlags().stream().map(CharSequence::toString).toList()));
        }
        if (answer.getProvider() != null) {
            out.println("answered by: " + answer.getProvider() + (answer.getModel() == null ? "" : " / " + answer.getModel())
                    + (answer.getGroundedness() == null ? "" : String.format(", groundedness %.2f", answer.getGroundedness()))
                    + (answer.getHallucinated() ? ", flagged as possibly hallucinated" : ""));
        }
    }
}
