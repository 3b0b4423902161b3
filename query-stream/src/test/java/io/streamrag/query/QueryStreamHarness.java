package io.streamrag.query;

import io.streamrag.events.DeadLetter;
import io.streamrag.events.QueryAnswered;
import io.streamrag.events.QueryRequested;
import io.streamrag.events.Telemetry;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.schemas.AvroSerde;
import io.streamrag.testkit.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A query stream on the shared test broker with topics of its own, and clients to feed and read it. */
final class QueryStreamHarness implements AutoCloseable {

    final QueryConfig config;
    private final Map<String, String> values = new HashMap<>();
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;

    QueryStreamHarness(Path stateDir, Map<String, String> overrides) {
        String prefix = "q" + UUID.randomUUID().toString().substring(0, 8) + ".";
        values.put("kafka.bootstrap.servers", TestKafka.shared().bootstrapServers());
        values.put("query.application.id", prefix + "app");
        values.put("query.state.dir", stateDir.toString());
        for (String topic : List.of("topic.prompt.template", "topic.query.requested", "topic.answer.generated",
                "topic.query.dlq", "topic.telemetry", "topic.document.ingested")) {
            values.put(topic, prefix + topic.substring("topic.".length()));
        }
        values.put("topic.partitions", "2");
        values.put("auth.mode", "off");   // identity and the cache have their own tests; these exercise the stream
        values.put("cache.enabled", "false");
        values.putAll(overrides);
        ConfigReader reader = new ConfigReader(Settings.of(QueryConfig.KEYS, values));
        this.config = QueryConfig.from(reader);
        reader.validate();
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.shared().bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.shared().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, prefix + "reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(config.topics().answerGenerated(), config.topics().telemetry(), config.topics().queryDeadLetters()));
    }

    /** The configuration of another instance of the same application, with a state directory of its own. */
    QueryConfig instance(Path stateDir) {
        Map<String, String> copy = new HashMap<>(values);
        copy.put("query.state.dir", stateDir.toString());
        return QueryConfig.from(new ConfigReader(Settings.of(QueryConfig.KEYS, copy)));
    }

    static Map<String, String> stub(io.streamrag.query.llm.stub.MistralWireStub stub) {
        return Map.of("llm.provider", "mistral", "mistral.api.key", stub.apiKey(), "mistral.base.url", stub.baseUrl().toString(),
                "llm.fallback.provider", "none", "llm.max.retries", "0", "llm.timeout.ms", "20000");
    }

    void send(QueryRequested request) {
        producer.send(new ProducerRecord<>(config.topics().queryRequested(), request.getRequestId(),
                AvroSerde.of(QueryRequested.class).encode(request)));
        producer.flush();
    }

    void sendIngested(io.streamrag.events.DocumentIngested event) {
        producer.send(new ProducerRecord<>(config.topics().documentIngested(), event.getTenant() + "/" + event.getDocId(),
                AvroSerde.of(io.streamrag.events.DocumentIngested.class).encode(event)));
        producer.flush();
    }

    void sendBytes(String key, byte[] value) {
        producer.send(new ProducerRecord<>(config.topics().queryRequested(), key, value));
        producer.flush();
    }

    final List<QueryAnswered> answers = new ArrayList<>();
    final List<Telemetry> telemetry = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();

    /** Reads until {@code answers} answers arrived (or the timeout), then a little longer to catch duplicates. */
    void awaitAnswers(int count, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (answers.size() < count && System.nanoTime() < end) {
            poll(Duration.ofMillis(200));
        }
        long settle = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < settle) {
            poll(Duration.ofMillis(200));
        }
    }

    private void poll(Duration d) {
        consumer.poll(d).forEach(r -> {
            if (r.topic().equals(config.topics().answerGenerated())) {
                answers.add(AvroSerde.of(QueryAnswered.class).decode(r.value()));
            } else if (r.topic().equals(config.topics().telemetry())) {
                telemetry.add(AvroSerde.of(Telemetry.class).decode(r.value()));
            } else {
                deadLetters.add(AvroSerde.of(DeadLetter.class).decode(r.value()));
            }
        });
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}
