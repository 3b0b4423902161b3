package io.streamrag.ingest;

import io.streamrag.events.ChunkEmbedded;
import io.streamrag.events.DeadLetter;
import io.streamrag.events.DocumentIngested;
import io.streamrag.events.DocumentSubmitted;
import io.streamrag.events.IngestOutcome;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchRequest;
import io.streamrag.schemas.AvroSerde;
import io.streamrag.testkit.TestKafka;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The ingest app on a real broker ({@link TestKafka}), real MiniLM and a real Lucene index; own topics per test. */
class IngestAppIntegrationTest {

    private static Embedder embedder;

    @TempDir
    Path dir;
    private IngestConfig config;
    private LuceneVectorStore store;
    private KafkaProducer<String, byte[]> producer;
    private final List<IngestApp> apps = new ArrayList<>();

    @BeforeAll
    static void loadModel() {
        embedder = Embedders.miniLm(16, 2);
    }

    @AfterAll
    static void closeModel() {
        embedder.close();
    }

    @BeforeEach
    void setUp() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> values = new HashMap<>();
        values.put("kafka.bootstrap.servers", TestKafka.shared().bootstrapServers());
        values.put("ingest.application.id", "ingest-it-" + suffix);
        values.put("ingest.state.dir", dir.resolve("state").toString());
        values.put("ingest.max.document.bytes", "4096");
        values.put("ingest.chunk.max.tokens", "16");
        values.put("ingest.chunk.overlap.tokens", "0");
        values.put("topic.partitions", "2");
        for (String topic : List.of("document.submitted", "chunk.embedded", "document.ingested", "ingest.dlq", "telemetry")) {
            values.put("topic." + topic, "it." + topic + "." + suffix);
        }
        config = IngestConfig.load(Settings.of(IngestConfig.KEYS, values));
        store = LuceneVectorStore.open(dir.resolve("index"));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.shared().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void tearDown() {
        apps.forEach(IngestApp::close);
        producer.close();
        store.close();
    }

    private IngestApp startApp() {
        IngestApp app = IngestApp.start(config, embedder, store);
        apps.add(app);
        assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
        return app;
    }

    private void send(String key, byte[] value) {
        producer.send(new ProducerRecord<>(config.topics().documentSubmitted(), key, value));
        producer.flush();
    }

    private void submit(DocumentSubmitted doc) {
        send(doc.getTenant() + "/" + doc.getDocId(), AvroSerde.of(DocumentSubmitted.class).encode(doc));
    }

    private static DocumentSubmitted doc(String tenant, String docId, long version, String... sentences) {
        return Documents.text(tenant, docId, version, "Guide", String.join(" ", sentences)).build();
    }

    /** Reads committed records of a topic from the start until {@code count} arrived (or 60 s passed). */
    private static <K, V> List<ConsumerRecord<K, V>> read(String topic, Deserializer<K> keys, Deserializer<V> values, int count) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.shared().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keys, values)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // a short extra poll catches records beyond the expected count (duplicates would show here)
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    /** The latest outcome of one document: partitions are read in no set order, so "last overall" is not it. */
    private static DocumentIngested lastOf(List<DocumentIngested> events, String docId) {
        List<DocumentIngested> ofDoc = events.stream().filter(e -> e.getDocId().equals(docId)).toList();
        assertThat(ofDoc).as("outcomes of %s", docId).isNotEmpty();
        return ofDoc.getLast();
    }

    private List<DocumentIngested> ingested(int count) {
        return read(config.topics().documentIngested(), new StringDeserializer(), AvroSerde.of(DocumentIngested.class).deserializer(), count)
                .stream().map(ConsumerRecord::value).toList();
    }

    /** The latest value per chunk id, as compaction will keep it (null: tombstoned). */
    private Map<String, ChunkEmbedded> latestChunks(int records) {
        Map<String, ChunkEmbedded> latest = new LinkedHashMap<>();
        read(config.topics().chunkEmbedded(), new StringDeserializer(), AvroSerde.of(ChunkEmbedded.class).deserializer(), records)
                .forEach(r -> latest.put(r.key(), r.value()));
        return latest;
    }

    private List<String> search(String tenant, String question) {
        return store.search(SearchRequest.hybrid(tenant, Set.of(), question, embedder.embed(question), 10))
                .stream().map(ScoredChunk::chunk).map(c -> c.chunkId()).toList();
    }

    private static final String S1 = "Kafka keeps every record in a log.";
    private static final String S2 = "Streams read the log in order.";
    private static final String S3 = "Vectors make text searchable.";
    private static final String KO = "카프카는 로그를 보관합니다.";

    @Test
    void shouldIndexReplaceAndDeleteDocuments_throughARealBroker() {
        // given
        startApp();

        // when documents arrive
        submit(doc("acme", "kafka", 1, S1, S2, S3));
        submit(doc("acme", "korean", 1, KO));
        List<DocumentIngested> first = ingested(2);

        // then their chunks are searchable
        assertThat(first).extracting(DocumentIngested::getDocId, DocumentIngested::getOutcome, DocumentIngested::getChunks)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("kafka", IngestOutcome.INDEXED, 3),
                        org.assertj.core.groups.Tuple.tuple("korean", IngestOutcome.INDEXED, 1));
        assertThat(store.count("acme")).isEqualTo(4);
        assertThat(search("acme", "로그 보관")).first().isEqualTo("acme/korean#0");
        assertThat(search("acme", "what makes text searchable?")).first().isEqualTo("acme/kafka#2");

        // when a new version with one chunk replaces the three
        submit(doc("acme", "kafka", 2, S2));
        assertThat(lastOf(ingested(3), "kafka")).satisfies(e -> {
            assertThat(e.getVersion()).isEqualTo(2);
            assertThat(e.getOutcome()).isEqualTo(IngestOutcome.INDEXED);
            assertThat(e.getChunks()).isEqualTo(1);
        });

        // then
        assertThat(store.count("acme")).isEqualTo(2);
        assertThat(search("acme", "what makes text searchable?")).doesNotContain("acme/kafka#1", "acme/kafka#2");

        // when the document is deleted
        send("acme/kafka", null);
        assertThat(lastOf(ingested(4), "kafka")).extracting(DocumentIngested::getOutcome).isEqualTo(IngestOutcome.DELETED);

        // then only the other document is left, in the store and in the compacted chunk log
        assertThat(store.count("acme")).isEqualTo(1);
        Map<String, ChunkEmbedded> latest = latestChunks(3 + 1 + 1 + 2 + 1);
        assertThat(latest.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey))
                .containsExactly("acme/korean#0");
        assertThat(latest).containsOnlyKeys("acme/kafka#0", "acme/kafka#1", "acme/kafka#2", "acme/korean#0");
    }

    @Test
    void shouldDeadLetterEachBadRecordWithItsReason_andKeepIngestingTheGoodOnes() {
        // given
        startApp();
        byte[] valid = AvroSerde.of(DocumentSubmitted.class).encode(doc("acme", "bad", 1, S1));
        byte[] unknownSchema = valid.clone();
        unknownSchema[3] ^= 0x33;

        // when, all with one key so that they keep their order on one partition
        String key = "acme/bad";
        submit(doc("acme", "bad", 1, S1));
        send(key, "plain text, not Avro".getBytes(StandardCharsets.UTF_8));
        send(key, unknownSchema);
        send(key, AvroSerde.of(DocumentSubmitted.class).encode(doc(null, "bad", 2, S1)));
        send(key, AvroSerde.of(DocumentSubmitted.class).encode(
                Documents.bytes("acme", "bad", "text/plain", new byte[]{'a', (byte) 0xFF, 'b'}).setVersion(2).build()));
        send(key, AvroSerde.of(DocumentSubmitted.class).encode(doc("acme", "bad", 2, "")));
        send(key, AvroSerde.of(DocumentSubmitted.class).encode(doc("acme", "bad", 2, "x".repeat(5000))));
        submit(doc("acme", "bad", 2, S2, S3));

        // then
        List<ConsumerRecord<byte[], DeadLetter>> letters = read(config.topics().ingestDeadLetters(), new ByteArrayDeserializer(),
                AvroSerde.of(DeadLetter.class).deserializer(), 6);
        assertThat(letters).extracting(r -> r.value().getStage() + ": " + r.value().getReason()).containsExactly(
                "decode: not Avro single-object encoded DocumentSubmitted (expected marker C3 01 and an 8-byte schema fingerprint)",
                "decode: unknown schema fingerprint for DocumentSubmitted: the writer used a schema this version does not know",
                "validate: tenant is missing: every document must name the tenant that owns it",
                "extract: content is not valid UTF-8 (malformed byte sequence at byte offset 1)",
                "extract: the document is empty: no text left after extracting text/plain",
                "validate: document is 5000 bytes, over the limit of 4096 bytes (ingest.max.document.bytes)");
        assertThat(letters).allSatisfy(r -> {
            assertThat(r.value().getSourceTopic()).isEqualTo(config.topics().documentSubmitted());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(key);
            assertThat(new String(r.headers().lastHeader("dlq.reason").value(), StandardCharsets.UTF_8)).isEqualTo(r.value().getReason());
        });
        assertThat(letters).extracting(r -> r.value().getOffset()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(ingested(2)).extracting(DocumentIngested::getVersion, DocumentIngested::getOutcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1L, IngestOutcome.INDEXED),
                org.assertj.core.groups.Tuple.tuple(2L, IngestOutcome.INDEXED));
        assertThat(store.count("acme")).isEqualTo(2);
    }

    @Test
    void shouldNotDuplicateChunks_whenTheAppRestartsAndADocumentIsRedelivered() {
        // given a document indexed before a restart
        IngestApp app = startApp();
        submit(doc("acme", "kafka", 1, S1, S2));
        assertThat(ingested(1)).extracting(DocumentIngested::getOutcome).containsExactly(IngestOutcome.INDEXED);
        app.close();
        apps.remove(app);

        // when the app starts again on the same state and the document is sent again
        startApp();
        submit(doc("acme", "kafka", 1, S1, S2));

        // then nothing is processed twice and nothing is written twice
        assertThat(ingested(2)).extracting(DocumentIngested::getOutcome)
                .containsExactly(IngestOutcome.INDEXED, IngestOutcome.UNCHANGED);
        assertThat(read(config.topics().chunkEmbedded(), new StringDeserializer(), new ByteArrayDeserializer(), 2))
                .extracting(ConsumerRecord::key).containsExactly("acme/kafka#0", "acme/kafka#1");
        assertThat(store.count("acme")).isEqualTo(2);
    }
}
