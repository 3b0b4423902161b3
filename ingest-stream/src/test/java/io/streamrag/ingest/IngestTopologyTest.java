package io.streamrag.ingest;

import io.streamrag.events.ChunkEmbedded;
import io.streamrag.events.DeadLetter;
import io.streamrag.events.DocumentIngested;
import io.streamrag.events.DocumentSubmitted;
import io.streamrag.events.IngestOutcome;
import io.streamrag.events.Telemetry;
import io.streamrag.events.TelemetryKind;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.kafka.DeadLetters;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.platform.text.Tokens;
import io.streamrag.platform.vector.SearchRequest;
import io.streamrag.platform.vector.StoredChunk;
import io.streamrag.platform.vector.Vectors;
import io.streamrag.schemas.AvroSerde;
import io.streamrag.schemas.Events;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The production topology, production topic names, a real MiniLM and a real Lucene index; Kafka simulated. */
class IngestTopologyTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    /** Small chunks so that every test sentence is a chunk of its own (title prefix included). */
    private static final IngestSettings SETTINGS = new IngestSettings(IngestSettings.DEFAULT_MAX_DOCUMENT_BYTES, 16, 0, true);

    private static Embedder embedder;

    private final Topics topics = Topics.defaults();
    @TempDir
    Path dir;
    private LuceneVectorStore store;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> documents;
    private TestOutputTopic<String, ChunkEmbedded> chunks;
    private TestOutputTopic<String, DocumentIngested> ingested;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;
    private TestOutputTopic<String, Telemetry> telemetry;

    @BeforeAll
    static void loadModel() {
        embedder = Embedders.miniLm(16, 2);
    }

    @AfterAll
    static void closeModel() {
        embedder.close();
    }

    @BeforeEach
    void start() {
        store = LuceneVectorStore.open(dir.resolve("index"));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        driver = new TopologyTestDriver(IngestTopology.build(topics, SETTINGS, embedder, store), props, NOW);
        documents = driver.createInputTopic(topics.documentSubmitted(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        chunks = driver.createOutputTopic(topics.chunkEmbedded(), Serdes.String().deserializer(), AvroSerde.of(ChunkEmbedded.class).deserializer());
        ingested = driver.createOutputTopic(topics.documentIngested(), Serdes.String().deserializer(), AvroSerde.of(DocumentIngested.class).deserializer());
        deadLetters = driver.createOutputTopic(topics.ingestDeadLetters(), Serdes.ByteArray().deserializer(), AvroSerde.of(DeadLetter.class).deserializer());
        telemetry = driver.createOutputTopic(topics.telemetry(), Serdes.String().deserializer(), AvroSerde.of(Telemetry.class).deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        store.close();
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] encode(DocumentSubmitted doc) {
        return AvroSerde.of(DocumentSubmitted.class).encode(doc);
    }

    private static DocumentSubmitted doc(String tenant, String docId, long version, String... sentences) {
        return Documents.text(tenant, docId, version, "Guide", String.join(" ", sentences)).build();
    }

    private void submit(DocumentSubmitted doc) {
        documents.pipeInput(doc.getTenant() + "/" + doc.getDocId(), encode(doc));
    }

    private static ChunkEmbedded expectedChunk(String tenant, String docId, long version, int ordinal, int count, String sentence) {
        String chunkId = tenant + "/" + docId + "#" + ordinal;
        String text = "Guide\n" + sentence;
        return ChunkEmbedded.newBuilder()
                .setHeader(Events.deterministicHeader("chunk|" + chunkId + "|" + version, tenant + "/" + docId, NOW.toEpochMilli()))
                .setChunkId(chunkId).setTenant(tenant).setDocId(docId).setDocVersion(version).setOrdinal(ordinal)
                .setChunkCount(count).setTitle("Guide").setText(text).setTokenCount(Tokens.estimate(text))
                .setAclGroups(List.of()).setMetadata(Map.of()).setEmbeddingModel(Embedders.MINILM_NAME).setDimensions(384)
                .setEmbedding(ByteBuffer.allocate(0))
                .build();
    }

    /** The chunk events with each vector checked (384-d, unit norm) and then blanked, so whole events compare. */
    private List<KeyValue<String, ChunkEmbedded>> readChunks() {
        List<KeyValue<String, ChunkEmbedded>> out = new ArrayList<>();
        for (KeyValue<String, ChunkEmbedded> kv : chunks.readKeyValuesToList()) {
            if (kv.value != null) {
                float[] vector = Vectors.unpack(kv.value.getEmbedding());
                assertThat(vector).hasSize(384);
                assertThat(Vectors.dot(vector, vector)).isCloseTo(1.0, within(1e-3));
                kv.value.setEmbedding(ByteBuffer.allocate(0));
            }
            out.add(kv);
        }
        return out;
    }

    private static DocumentIngested expectedIngested(long offset, String tenant, String docId, String correlationId, long version,
                                                     IngestOutcome outcome, int chunkCount, long tokens) {
        return DocumentIngested.newBuilder()
                .setHeader(Events.deterministicHeader("ingested|rag.document.submitted|0|" + offset, correlationId, NOW.toEpochMilli()))
                .setTenant(tenant).setDocId(docId).setVersion(version).setOutcome(outcome).setChunks(chunkCount).setTokens(tokens)
                .build();
    }

    /** Outcome events with their stage timings zeroed (they are measured, not predictable). */
    private List<KeyValue<String, DocumentIngested>> readIngested() {
        List<KeyValue<String, DocumentIngested>> out = ingested.readKeyValuesToList();
        out.forEach(kv -> {
            assertThat(kv.value.getTotalMs()).isGreaterThanOrEqualTo(kv.value.getEmbedMs());
            kv.value.setExtractMs(0L);
            kv.value.setChunkMs(0L);
            kv.value.setEmbedMs(0L);
            kv.value.setUpsertMs(0L);
            kv.value.setTotalMs(0L);
        });
        return out;
    }

    private static long tokens(String... sentences) {
        return Arrays.stream(sentences).mapToLong(s -> Tokens.estimate("Guide\n" + s)).sum();
    }

    private List<String> storedTexts(String tenant, String docId) {
        // every test chunk starts with the title "Guide"
        return store.search(new SearchRequest(tenant, Set.of(), "guide", null, 50, io.streamrag.platform.vector.SearchMode.KEYWORD))
                .stream().map(s -> s.chunk()).filter(c -> c.docId().equals(docId))
                .sorted(java.util.Comparator.comparingInt(StoredChunk::ordinal)).map(StoredChunk::text).toList();
    }

    private static final String S1 = "Kafka keeps every record in a log.";
    private static final String S2 = "Streams read the log in order.";
    private static final String S3 = "Vectors make text searchable.";

    // ------------------------------------------------------------------ tests

    @Test
    void shouldPinTheNamesOfEveryNodeAndTheStateStore() {
        // given
        Topology topology = IngestTopology.build(topics, SETTINGS, embedder, store);

        // when
        TopologyDescription description = topology.describe();

        // then
        assertThat(description.subtopologies()).hasSize(1);
        TopologyDescription.Subtopology sub = description.subtopologies().iterator().next();
        assertThat(sub.nodes().stream().map(TopologyDescription.Node::name).collect(Collectors.toSet())).containsExactlyInAnyOrder(
                "document-submitted-source", "ingest-document", "chunk-embedded-sink", "document-ingested-sink",
                "ingest-dead-letter-sink", "ingest-telemetry-sink");
        TopologyDescription.Processor processor = sub.nodes().stream().filter(n -> n instanceof TopologyDescription.Processor)
                .map(n -> (TopologyDescription.Processor) n).findFirst().orElseThrow();
        assertThat(processor.stores()).containsExactly("ingest-document-state");
        assertThat(sub.nodes().stream().filter(n -> n instanceof TopologyDescription.Sink)
                .map(n -> ((TopologyDescription.Sink) n).topic()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("rag.chunk.embedded", "rag.document.ingested", "rag.ingest.dlq", "llmops.telemetry");
    }

    @Test
    void shouldEmbedChunksIntoTheStoreAndTheChunkTopic_andReportTheOutcome() {
        // given
        DocumentSubmitted doc = doc("acme", "kafka", 1, S1, S2);

        // when
        submit(doc);

        // then
        assertThat(readChunks()).containsExactly(
                KeyValue.pair("acme/kafka#0", expectedChunk("acme", "kafka", 1, 0, 2, S1)),
                KeyValue.pair("acme/kafka#1", expectedChunk("acme", "kafka", 1, 1, 2, S2)));
        assertThat(readIngested()).containsExactly(KeyValue.pair("acme/kafka",
                expectedIngested(0, "acme", "kafka", "acme/kafka", 1, IngestOutcome.INDEXED, 2, tokens(S1, S2))));
        List<KeyValue<String, Telemetry>> events = telemetry.readKeyValuesToList();
        assertThat(events).hasSize(1);
        Telemetry event = events.getFirst().value;
        assertThat(events.getFirst().key).isEqualTo("acme");
        assertThat(event.getKind()).isEqualTo(TelemetryKind.INGEST);
        assertThat(event.getSubjectId()).isEqualTo("acme/kafka");
        assertThat(event.getStatus()).isEqualTo("INDEXED");
        assertThat(event.getChunks()).isEqualTo(2);
        assertThat(event.getInputTokens()).isEqualTo(tokens(S1, S2));
        assertThat(event.getRequestModel()).isEqualTo(Embedders.MINILM_NAME);
        assertThat(event.getLanguage()).isEqualTo("en");
        assertThat(event.getLatencyMs()).containsOnlyKeys("extract", "chunk", "embed", "upsert", "total");
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(store.count("acme")).isEqualTo(2);
        float[] question = embedder.embed("In what order do streams read the log?");
        assertThat(store.search(SearchRequest.hybrid("acme", Set.of(), "streams read order", question, 1)))
                .extracting(s -> s.chunk().chunkId()).containsExactly("acme/kafka#1");
        assertThat(store.count("other")).isZero();
    }

    @Test
    void shouldReplaceEveryOldChunk_whenANewerVersionArrives() {
        // given
        submit(doc("acme", "kafka", 1, S1, S2, S3));
        readChunks();
        readIngested();

        // when
        submit(doc("acme", "kafka", 2, S3));

        // then chunk 0 is rewritten, chunks 1 and 2 are tombstoned, in the topic and in the store
        assertThat(readChunks()).containsExactly(
                KeyValue.pair("acme/kafka#0", expectedChunk("acme", "kafka", 2, 0, 1, S3)),
                KeyValue.pair("acme/kafka#1", null),
                KeyValue.pair("acme/kafka#2", null));
        assertThat(readIngested()).containsExactly(KeyValue.pair("acme/kafka",
                expectedIngested(1, "acme", "kafka", "acme/kafka", 2, IngestOutcome.INDEXED, 1, tokens(S3))));
        assertThat(store.count("acme")).isEqualTo(1);
        assertThat(storedTexts("acme", "kafka")).containsExactly("Guide\n" + S3);
    }

    @Test
    void shouldWriteNothing_whenAVersionIsRedeliveredOrAnOlderOneArrivesLate() {
        // given
        submit(doc("acme", "kafka", 2, S1, S2));
        readChunks();
        readIngested();
        telemetry.readKeyValuesToList();

        // when
        submit(doc("acme", "kafka", 2, S1, S2));
        submit(doc("acme", "kafka", 1, S3));

        // then
        assertThat(readChunks()).isEmpty();
        assertThat(readIngested()).containsExactly(
                KeyValue.pair("acme/kafka", expectedIngested(1, "acme", "kafka", "acme/kafka", 2, IngestOutcome.UNCHANGED, 2, 0)),
                KeyValue.pair("acme/kafka", expectedIngested(2, "acme", "kafka", "acme/kafka", 1, IngestOutcome.STALE, 2, 0)));
        assertThat(telemetry.readValuesToList()).extracting(Telemetry::getStatus).containsExactly("UNCHANGED", "STALE");
        assertThat(store.count("acme")).isEqualTo(2);
        assertThat(storedTexts("acme", "kafka")).containsExactly("Guide\n" + S1, "Guide\n" + S2);
    }

    @Test
    void shouldDeleteTheDocumentEverywhere_onATombstone() {
        // given
        submit(doc("acme", "kafka", 3, S1, S2));
        submit(doc("acme", "other", 1, S3));
        readChunks();
        readIngested();

        // when
        documents.pipeInput("acme/kafka", (byte[]) null);

        // then
        assertThat(readChunks()).containsExactly(KeyValue.pair("acme/kafka#0", null), KeyValue.pair("acme/kafka#1", null));
        assertThat(readIngested()).containsExactly(KeyValue.pair("acme/kafka",
                expectedIngested(2, "acme", "kafka", "acme/kafka", 3, IngestOutcome.DELETED, 2, 0)));
        assertThat(store.count("acme")).isEqualTo(1);
        assertThat(storedTexts("acme", "kafka")).isEmpty();

        // and a new submission after the delete is indexed again
        submit(doc("acme", "kafka", 1, S1));
        assertThat(readIngested()).extracting(kv -> kv.value.getOutcome()).containsExactly(IngestOutcome.INDEXED);
    }

    @Test
    void shouldRouteEachBadRecordToDeadLetters_withReasonStageAndOffset_andKeepIngestingGoodRecords() {
        // given
        byte[] valid = encode(doc("acme", "bad", 1, S1));
        byte[] unknownSchema = valid.clone();
        unknownSchema[2] ^= 0x5A; // another writer schema fingerprint
        byte[] fifty = new byte[50 * 1024 * 1024];
        Arrays.fill(fifty, (byte) 'a');

        // when
        submit(doc("acme", "first", 1, S1));                                                               // 0
        documents.pipeInput("acme/json", "{\"docId\":\"json\"}".getBytes(StandardCharsets.UTF_8));           // 1
        documents.pipeInput("acme/bad", unknownSchema);                                                    // 2
        documents.pipeInput("bad", encode(doc(null, "bad", 1, S1)));                                       // 3
        documents.pipeInput("acme/bad", encode(Documents.bytes("acme", "bad", "text/plain",
                new byte[]{'o', 'k', (byte) 0xC0, (byte) 0xAF}).build()));                                 // 4
        documents.pipeInput("acme/bad", encode(doc("acme", "bad", 1, "  ")));                              // 5
        documents.pipeInput("acme/big", encode(Documents.bytes("acme", "big", "text/plain", fifty).build())); // 6
        documents.pipeInput("nobody", (byte[]) null);                                                      // 7
        submit(doc("acme", "last", 1, S2));                                                                // 8

        // then
        List<TestRecord<byte[], DeadLetter>> letters = deadLetters.readRecordsToList();
        assertThat(letters).extracting(r -> r.value().getOffset(), r -> r.value().getStage())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1L, "decode"),
                        org.assertj.core.groups.Tuple.tuple(2L, "decode"),
                        org.assertj.core.groups.Tuple.tuple(3L, "validate"),
                        org.assertj.core.groups.Tuple.tuple(4L, "extract"),
                        org.assertj.core.groups.Tuple.tuple(5L, "extract"),
                        org.assertj.core.groups.Tuple.tuple(6L, "validate"),
                        org.assertj.core.groups.Tuple.tuple(7L, "validate"));
        assertThat(letters).extracting(r -> r.value().getReason()).containsExactly(
                "not Avro single-object encoded DocumentSubmitted (expected marker C3 01 and an 8-byte schema fingerprint)",
                "unknown schema fingerprint for DocumentSubmitted: the writer used a schema this version does not know",
                "tenant is missing: every document must name the tenant that owns it",
                "content is not valid UTF-8 (malformed byte sequence at byte offset 2)",
                "the document is empty: no text left after extracting text/plain",
                "document is 52428800 bytes, over the limit of 10485760 bytes (ingest.max.document.bytes)",
                "a tombstone deletes a document only with the record key '<tenant>/<docId>', not 'nobody'");
        assertThat(letters).allSatisfy(r -> {
            assertThat(r.value().getSourceTopic()).isEqualTo("rag.document.submitted");
            assertThat(r.value().getPartition()).isZero();
            assertThat(header(r, DeadLetters.HEADER_REASON)).isEqualTo(r.value().getReason());
            assertThat(header(r, DeadLetters.HEADER_STAGE)).isEqualTo(r.value().getStage());
            assertThat(header(r, DeadLetters.HEADER_SOURCE_TOPIC)).isEqualTo("rag.document.submitted");
            assertThat(header(r, DeadLetters.HEADER_SOURCE_OFFSET)).isEqualTo(Long.toString(r.value().getOffset()));
        });
        DeadLetter big = letters.get(5).value();
        assertThat(new String(big.getKey().array(), StandardCharsets.UTF_8)).isEqualTo("acme/big");
        assertThat(big.getPayloadSize()).isGreaterThan(50L * 1024 * 1024);
        assertThat(big.getPayload().remaining()).isEqualTo(IngestProcessor.DEAD_LETTER_PAYLOAD_BYTES);
        assertThat(letters.getFirst().value().getPayload()).isEqualTo(ByteBuffer.wrap("{\"docId\":\"json\"}".getBytes(StandardCharsets.UTF_8)));

        assertThat(readIngested()).extracting(kv -> kv.key, kv -> kv.value.getOutcome()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("acme/first", IngestOutcome.INDEXED),
                org.assertj.core.groups.Tuple.tuple("acme/last", IngestOutcome.INDEXED));
        assertThat(telemetry.readKeyValuesToList()).extracting(kv -> kv.key, kv -> kv.value.getStatus()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("acme", "INDEXED"),
                org.assertj.core.groups.Tuple.tuple("acme", "DEAD_LETTER"),
                org.assertj.core.groups.Tuple.tuple("acme", "DEAD_LETTER"),
                org.assertj.core.groups.Tuple.tuple("unknown", "DEAD_LETTER"),
                org.assertj.core.groups.Tuple.tuple("acme", "DEAD_LETTER"),
                org.assertj.core.groups.Tuple.tuple("acme", "DEAD_LETTER"),
                org.assertj.core.groups.Tuple.tuple("acme", "DEAD_LETTER"),
                org.assertj.core.groups.Tuple.tuple("unknown", "DEAD_LETTER"),
                org.assertj.core.groups.Tuple.tuple("acme", "INDEXED"));
        assertThat(store.count("acme")).isEqualTo(2);
    }

    @Test
    void shouldLogADeadLetterWithTheDocumentsIds_andClearThemAfterTheRecord() {
        // given: a log appender on the processor, and an empty document with a known correlation id
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(IngestProcessor.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            // when
            submit(Documents.text("acme", "empty", 1, "Guide", "  ").setHeader(Events.header("corr-empty-1")).build());

            // then
            assertThat(logs.list).filteredOn(e -> e.getFormattedMessage().startsWith("dead letter")).singleElement().satisfies(e -> {
                assertThat(e.getMDCPropertyMap()).containsEntry("request_id", "acme/empty")
                        .containsEntry("correlation_id", "corr-empty-1").containsEntry("tenant", "acme");
            });
            assertThat(org.slf4j.MDC.getCopyOfContextMap()).isNullOrEmpty();
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void shouldCarryAclGroupsAndMetadataOfAKoreanHtmlDocument_intoTheChunksAndTheStore() {
        // given
        byte[] html = "<html><head><title>보안</title></head><body><h1>비밀번호</h1><p>비밀번호는 매달 바꿉니다.</p></body></html>"
                .getBytes(StandardCharsets.UTF_8);
        DocumentSubmitted doc = Documents.bytes("acme", "security", "text/html; charset=utf-8", html)
                .setAclGroups(List.of("security")).setMetadata(Map.of("source", "intranet")).build();

        // when
        submit(doc);

        // then
        List<KeyValue<String, ChunkEmbedded>> events = readChunks();
        assertThat(events).extracting(kv -> kv.value.getText()).containsExactly("보안\n비밀번호", "보안\n비밀번호는 매달 바꿉니다.");
        assertThat(events).allSatisfy(kv -> {
            assertThat(kv.value.getTitle()).isEqualTo("보안");
            assertThat(kv.value.getAclGroups()).containsExactly("security");
            assertThat(kv.value.getMetadata()).containsEntry("source", "intranet");
        });
        assertThat(telemetry.readValuesToList()).extracting(Telemetry::getLanguage).containsExactly("ko");
        float[] question = embedder.embed("비밀번호 변경");
        assertThat(store.search(SearchRequest.hybrid("acme", Set.of(), "비밀번호", question, 5))).isEmpty();
        assertThat(store.search(SearchRequest.hybrid("acme", Set.of("security"), "비밀번호", question, 5)))
                .extracting(hit -> hit.chunk().docId()).containsOnly("security");
    }

    @Test
    void shouldDeadLetterADocument_whenTheVectorStoreFails_withoutRecordingItAsIndexed() {
        // given
        store.close();

        // when
        submit(doc("acme", "kafka", 1, S1));

        // then
        assertThat(deadLetters.readValuesToList()).extracting(DeadLetter::getStage, l -> l.getReason().startsWith("vector store lucene failed"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("store", true));
        assertThat(readChunks()).isEmpty();
        assertThat(readIngested()).isEmpty();
        assertThat(telemetry.readValuesToList()).extracting(Telemetry::getStatus).containsExactly("DEAD_LETTER");
    }

    private static String header(TestRecord<byte[], DeadLetter> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
