package io.streamrag.ingest;

import io.streamrag.events.ChunkEmbedded;
import io.streamrag.platform.kafka.TopicAdmin;
import io.streamrag.platform.kafka.TopicSpec;
import io.streamrag.platform.vector.ChunkIds;
import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchMode;
import io.streamrag.platform.vector.SearchRequest;
import io.streamrag.platform.vector.Vectors;
import io.streamrag.schemas.AvroSerde;
import io.streamrag.schemas.Events;
import io.streamrag.testkit.TestKafka;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ReindexerTest {

    private static final AvroSerde<ChunkEmbedded> SERDE = AvroSerde.of(ChunkEmbedded.class);

    @TempDir
    Path dir;

    @Test
    void shouldRebuildExactlyTheLiveChunks_whenLogHoldsUpdatesAndTombstones() {
        // given: a chunk topic with two documents, an updated chunk, a deleted chunk and an unreadable record
        String bootstrap = TestKafka.shared().bootstrapServers();
        String topic = "reindex-" + UUID.randomUUID();
        Map<String, Object> client = Map.of("bootstrap.servers", bootstrap);
        TopicAdmin.ensure(client, List.of(new TopicSpec(topic, 3, (short) 1, Map.of("cleanup.policy", "compact"))));
        List<String> warnings = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            send(producer, topic, chunk("guide", 1, 0, "The first version of the install guide."));
            send(producer, topic, chunk("guide", 1, 1, "Old second chunk of the guide that is deleted later."));
            send(producer, topic, chunk("faq", 3, 0, "Answers to frequent questions about billing."));
            send(producer, topic, chunk("guide", 2, 0, "The updated install guide explains the wizard."));
            producer.send(new ProducerRecord<>(topic, ChunkIds.chunkId("acme", "guide", 1), null));
            producer.send(new ProducerRecord<>(topic, ChunkIds.chunkId("acme", "junk", 0), new byte[]{1, 2, 3}));
            producer.flush();
        }

        // when
        Reindexer.Result result;
        try (LuceneVectorStore store = LuceneVectorStore.open(dir.resolve("index"))) {
            result = new Reindexer(client, topic, warnings::add).rebuild(store);

            // then: the live chunks, the latest version of the updated one, no deleted one
            assertThat(store.count("acme")).isEqualTo(2);
            List<ScoredChunk> hits = store.search(new SearchRequest("acme", Set.of(), "install guide", null, 10, SearchMode.KEYWORD));
            assertThat(hits).extracting(h -> h.chunk().chunkId()).containsExactly(ChunkIds.chunkId("acme", "guide", 0));
            assertThat(hits.getFirst().chunk().docVersion()).isEqualTo(2);
            assertThat(hits.getFirst().chunk().text()).contains("wizard");
        }
        assertThat(result.records()).isEqualTo(6);
        assertThat(result.skipped()).isEqualTo(1);
        assertThat(warnings).singleElement().asString().contains("acme/junk#0").doesNotContain("wizard");
    }

    @Test
    void shouldIgnoreRecordsProducedAfterTheRebuildStarted_whenTopicIsEmpty() {
        // given: an existing but empty chunk topic
        String bootstrap = TestKafka.shared().bootstrapServers();
        String topic = "reindex-empty-" + UUID.randomUUID();
        Map<String, Object> client = Map.of("bootstrap.servers", bootstrap);
        TopicAdmin.ensure(client, List.of(new TopicSpec(topic, 1, (short) 1, Map.of("cleanup.policy", "compact"))));

        // when
        try (LuceneVectorStore store = LuceneVectorStore.open(dir.resolve("empty"))) {
            Reindexer.Result result = new Reindexer(client, topic, w -> { }).rebuild(store);

            // then: it ends at once with nothing applied
            assertThat(result.records()).isZero();
            assertThat(store.count("acme")).isZero();
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, ChunkEmbedded chunk) {
        producer.send(new ProducerRecord<>(topic, chunk.getChunkId(), SERDE.encode(chunk)));
    }

    private static ChunkEmbedded chunk(String docId, long version, int ordinal, String text) {
        float[] vector = new float[8];
        vector[ordinal % 8] = 1f;
        return ChunkEmbedded.newBuilder()
                .setHeader(Events.header(ChunkIds.documentKey("acme", docId)))
                .setChunkId(ChunkIds.chunkId("acme", docId, ordinal))
                .setTenant("acme")
                .setDocId(docId)
                .setDocVersion(version)
                .setOrdinal(ordinal)
                .setChunkCount(2)
                .setTitle(docId)
                .setText(text)
                .setTokenCount(10)
                .setEmbeddingModel("test-one-hot")
                .setDimensions(vector.length)
                .setEmbedding(Vectors.pack(vector))
                .build();
    }
}
