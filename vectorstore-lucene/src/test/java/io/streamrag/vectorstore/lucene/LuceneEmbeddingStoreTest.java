package io.streamrag.vectorstore.lucene;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.vector.ChunkIds;
import io.streamrag.platform.vector.StoredChunk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LuceneEmbeddingStoreTest {

    @TempDir
    Path dir;

    private LuceneVectorStore index;
    private EmbeddingStore<TextSegment> store;

    @BeforeEach
    void open() {
        index = LuceneVectorStore.open(dir);
        store = index.asEmbeddingStore("acme");
    }

    @AfterEach
    void close() {
        index.close();
    }

    @Test
    void shouldRetrieveTheRelevantSegment_whenUsedByAContentRetrieverWithAFilter() {
        try (Embedder embedder = Embedders.miniLm(16, 2)) {
            // given: segments embedded and added the langchain4j way
            List<TextSegment> segments = List.of(
                    TextSegment.from("The cafeteria serves vegetarian lunch on Mondays.", Metadata.from(Map.of("year", 2023))),
                    TextSegment.from("Remote employees may claim a home office allowance.", Metadata.from(Map.of("year", 2023))),
                    TextSegment.from("Remote employees may claim a monthly internet allowance.", Metadata.from(Map.of("year", 2025))),
                    TextSegment.from("Parking permits are renewed every January.", Metadata.from(Map.of("year", 2025))));
            store.addAll(embedder.model().embedAll(segments).content(), segments);
            ContentRetriever retriever = EmbeddingStoreContentRetriever.builder()
                    .embeddingStore(store)
                    .embeddingModel(embedder.model())
                    .maxResults(1)
                    .filter(metadataKey("year").isGreaterThanOrEqualTo(2024))
                    .build();

            // when
            List<Content> contents = retriever.retrieve(Query.from("What allowance can remote workers claim?"));

            // then
            assertThat(contents).hasSize(1);
            assertThat(contents.getFirst().textSegment().text()).contains("internet allowance");
            assertThat(contents.getFirst().textSegment().metadata().getInteger("year")).isEqualTo(2025);
        }
    }

    @Test
    void shouldReturnIdEmbeddingTextAndTypedMetadata_whenAddedEntryIsFound() {
        // given
        UUID ref = UUID.randomUUID();
        Metadata metadata = new Metadata().put("lang", "en").put("ref", ref).put("page", 7).put("size", 12_345_678_901L)
                .put("weight", 0.5f).put("ratio", 0.25d);
        Embedding embedding = Embedding.from(unit(1, 0));
        String id = store.add(embedding, TextSegment.from("The first page.", metadata));
        store.add("bare-vector", Embedding.from(unit(2, 0)));

        // when
        List<EmbeddingMatch<TextSegment>> matches = search(unit(1, 0), 10, null);

        // then
        assertThat(matches).extracting(EmbeddingMatch::embeddingId).containsExactly(id, "bare-vector");
        EmbeddingMatch<TextSegment> first = matches.getFirst();
        assertThat(first.score()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(first.embedding().vector()).containsExactly(embedding.vector());
        assertThat(first.embedded().text()).isEqualTo("The first page.");
        assertThat(first.embedded().metadata().toMap()).isEqualTo(metadata.toMap());
        assertThat(matches.get(1).embedded()).isNull();
    }

    static Stream<Arguments> filters() {
        return Stream.of(
                Arguments.of(metadataKey("lang").isEqualTo("en"), List.of("a", "c")),
                Arguments.of(metadataKey("lang").isNotEqualTo("en"), List.of("b", "d")),
                Arguments.of(metadataKey("team").isIn("red", "blue"), List.of("a", "b")),
                Arguments.of(metadataKey("team").isNotIn("red"), List.of("b", "c", "d")),
                Arguments.of(metadataKey("lang").isEqualTo("en").and(metadataKey("year").isGreaterThanOrEqualTo(2024)), List.of("c")),
                Arguments.of(metadataKey("team").isEqualTo("blue").or(metadataKey("year").isEqualTo(2023)), List.of("a", "b")),
                Arguments.of(Filter.not(metadataKey("lang").isEqualTo("en")), List.of("b", "d")),
                Arguments.of(metadataKey("year").isEqualTo(2024.0), List.of("b")),
                Arguments.of(metadataKey("year").isLessThan(2025), List.of("a", "b")),
                Arguments.of(metadataKey("team").containsString("lu"), List.of("b")));
    }

    @ParameterizedTest
    @MethodSource("filters")
    void shouldReturnOnlyMatchingEntries_whenSearchingWithAMetadataFilter(Filter filter, List<String> expectedIds) {
        // given
        addTeamEntries(store);

        // when
        List<EmbeddingMatch<TextSegment>> matches = search(unit(1, 0), 10, filter);

        // then: what langchain4j's own filter semantics (used by its in-memory store) select
        assertThat(matches).extracting(EmbeddingMatch::embeddingId).containsExactlyInAnyOrderElementsOf(expectedIds);
        assertThat(matches).allSatisfy(m -> assertThat(filter.test(m.embedded().metadata())).isTrue());
        assertThat(TEAM_SEGMENTS.stream().filter(s -> filter.test(s.metadata())).count()).isEqualTo(expectedIds.size());
    }

    @Test
    void shouldRemoveWithinTheTenantOnly_whenRemovingByIdIdsFilterAndAll() {
        // given
        EmbeddingStore<TextSegment> other = index.asEmbeddingStore("globex");
        addTeamEntries(store);
        addTeamEntries(other);

        // when / then
        store.remove("a");
        assertThat(ids(store)).containsExactlyInAnyOrder("b", "c", "d");
        store.removeAll(List.of("b", "missing"));
        assertThat(ids(store)).containsExactlyInAnyOrder("c", "d");
        store.removeAll(metadataKey("lang").isEqualTo("en"));
        assertThat(ids(store)).containsExactly("d");
        store.removeAll();
        assertThat(ids(store)).isEmpty();
        assertThat(ids(other)).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThatThrownBy(() -> store.removeAll(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSeeIngestedChunksWithinTheViewsAclGroups_whenChunksWereUpsertedAsVectorStore() {
        // given
        index.upsert(List.of(
                new StoredChunk(ChunkIds.chunkId("acme", "pay", 0), "acme", "pay", 1, 0, "Pay", "Salaries are paid monthly.",
                        List.of(), Map.of("lang", "en"), unit(1, 0)),
                new StoredChunk(ChunkIds.chunkId("acme", "bonus", 0), "acme", "bonus", 1, 0, "Bonus", "Bonuses are confidential.",
                        List.of("hr"), Map.of("lang", "en"), unit(1, 5))));
        EmbeddingStore<TextSegment> hr = index.asEmbeddingStore("acme", Set.of("hr"));

        // when
        List<String> everyone = ids(store);
        List<String> hrView = ids(hr);
        store.removeAll();

        // then
        assertThat(everyone).containsExactly(ChunkIds.chunkId("acme", "pay", 0));
        assertThat(hrView).containsExactly(ChunkIds.chunkId("acme", "pay", 0), ChunkIds.chunkId("acme", "bonus", 0));
        assertThat(ids(hr)).containsExactly(ChunkIds.chunkId("acme", "bonus", 0));
        assertThat(search(unit(1, 0), 1, metadataKey("lang").isEqualTo("en"))).isEmpty();
    }

    @Test
    void shouldDropMatchesBelowMinScore_whenMinScoreIsGiven() {
        // given: relevance (1 + cos) / 2 of 1.0, 0.85 and 0.5
        store.add("same", Embedding.from(unit(1, 0)));
        store.add("near", Embedding.from(unit(1, Math.toDegrees(Math.acos(0.7)))));
        store.add("orthogonal", Embedding.from(unit(3, 0)));

        // when
        List<EmbeddingMatch<TextSegment>> matches = store.search(EmbeddingSearchRequest.builder()
                .queryEmbedding(Embedding.from(unit(1, 0))).maxResults(10).minScore(0.8).build()).matches();

        // then
        assertThat(matches).extracting(EmbeddingMatch::embeddingId).containsExactly("same", "near");
    }

    private static final List<TextSegment> TEAM_SEGMENTS = List.of(
            TextSegment.from("alpha", Metadata.from(Map.of("lang", "en", "year", 2023, "team", "red"))),
            TextSegment.from("beta", Metadata.from(Map.of("lang", "ko", "year", 2024, "team", "blue"))),
            TextSegment.from("gamma", Metadata.from(Map.of("lang", "en", "year", 2025L))),
            TextSegment.from("delta"));

    private static void addTeamEntries(EmbeddingStore<TextSegment> target) {
        target.addAll(List.of("a", "b", "c", "d"),
                List.of(Embedding.from(unit(1, 0)), Embedding.from(unit(1, 10)), Embedding.from(unit(1, 20)),
                        Embedding.from(unit(1, 30))),
                TEAM_SEGMENTS);
    }

    private List<EmbeddingMatch<TextSegment>> search(float[] vector, int max, Filter filter) {
        return store.search(EmbeddingSearchRequest.builder()
                .queryEmbedding(Embedding.from(vector)).maxResults(max).filter(filter).build()).matches();
    }

    private static List<String> ids(EmbeddingStore<TextSegment> target) {
        return target.search(EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(unit(1, 0))).maxResults(100)
                .build()).matches().stream().map(EmbeddingMatch::embeddingId).toList();
    }

    /** A unit vector {@code degrees} away from {@code axis} towards the next axis (8 dimensions). */
    private static float[] unit(int axis, double degrees) {
        float[] v = new float[8];
        v[axis] = (float) Math.cos(Math.toRadians(degrees));
        v[axis + 1] = (float) Math.sin(Math.toRadians(degrees));
        return v;
    }
}
