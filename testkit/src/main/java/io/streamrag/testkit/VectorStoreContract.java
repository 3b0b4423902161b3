package io.streamrag.testkit;

import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.vector.ChunkIds;
import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchMode;
import io.streamrag.platform.vector.SearchRequest;
import io.streamrag.platform.vector.StoredChunk;
import io.streamrag.platform.vector.VectorStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link VectorStore} must show, whatever engine is behind it. A store test extends this
 * class and returns a fresh, empty store from {@link #createStore()}; the contract closes it after each test.
 *
 * <p>Most tests use small hand-made vectors, whose geometry makes the expected ranking certain; one test uses
 * real all-MiniLM-L6-v2 vectors to show that hybrid search retrieves Korean and English documents alike.
 */
public abstract class VectorStoreContract {

    /** Dimensions of the hand-made vectors. */
    protected static final int DIMENSIONS = 16;

    private static Embedder embedder;

    protected VectorStore store;

    /** A fresh, empty store. */
    protected abstract VectorStore createStore() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = createStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @AfterAll
    static void closeEmbedder() {
        if (embedder != null) {
            embedder.close();
            embedder = null;
        }
    }

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void shouldFindChunkWithAllItsFields_whenUpsertedThenSearched(SearchMode mode) {
        // given
        StoredChunk wanted = new StoredChunk(ChunkIds.chunkId("acme", "handbook", 1), "acme", "handbook", 3, 1,
                "Employee handbook", "Expense reports are due within thirty days of travel.",
                List.of("staff"), Map.of("lang", "en", "source", "hr"), direction(1, 0));
        store.upsert(List.of(
                chunk("acme", "handbook", 0, "Our office opens at nine in the morning.", List.of(), direction(2, 0)),
                wanted,
                chunk("acme", "menu", 0, "The canteen serves soup on Fridays.", List.of(), direction(3, 0))));

        // when
        List<ScoredChunk> hits = store.search(new SearchRequest("acme", Set.of("staff"),
                "when are expense reports due", direction(1, 10), 3, mode));

        // then
        assertThat(hits).isNotEmpty();
        StoredChunk top = hits.getFirst().chunk();
        assertThat(top.chunkId()).isEqualTo(wanted.chunkId());
        assertThat(top.tenant()).isEqualTo("acme");
        assertThat(top.docId()).isEqualTo("handbook");
        assertThat(top.docVersion()).isEqualTo(3);
        assertThat(top.ordinal()).isEqualTo(1);
        assertThat(top.title()).isEqualTo("Employee handbook");
        assertThat(top.text()).isEqualTo(wanted.text());
        assertThat(top.aclGroups()).containsExactly("staff");
        assertThat(top.metadata()).isEqualTo(Map.of("lang", "en", "source", "hr"));
        assertThat(store.count("acme")).isEqualTo(3);
    }

    @Test
    void shouldKeepOneChunkWithTheNewText_whenSameChunkIdIsUpsertedAgain() {
        // given
        String id = ChunkIds.chunkId("acme", "policy", 0);
        store.upsert(List.of(new StoredChunk(id, "acme", "policy", 1, 0, "Policy", "The old pricing policy applies.",
                List.of(), Map.of(), direction(1, 0))));

        // when: a new version, then a redelivery of the same write
        StoredChunk replacement = new StoredChunk(id, "acme", "policy", 2, 0, "Policy",
                "Refunds are granted within fourteen days.", List.of(), Map.of(), direction(2, 0));
        store.upsert(List.of(replacement));
        store.upsert(List.of(replacement));

        // then
        assertThat(store.count("acme")).isEqualTo(1);
        List<ScoredChunk> refunds = store.search(keyword("acme", Set.of(), "refunds", 5));
        assertThat(refunds).extracting(h -> h.chunk().docVersion()).containsExactly(2L);
        assertThat(store.search(keyword("acme", Set.of(), "pricing", 5))).isEmpty();
        assertThat(store.search(vector("acme", Set.of(), direction(1, 0), 5)))
                .extracting(h -> h.chunk().text()).containsExactly(replacement.text());
    }

    @Test
    void shouldRemoveOnlyThatDocumentsChunks_whenDocumentIsDeleted() {
        // given
        List<StoredChunk> chunks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            chunks.add(chunk("acme", "manual", i, "Manual part " + i + " about printers.", List.of(), direction(1, 10 * i)));
        }
        for (int i = 0; i < 2; i++) {
            chunks.add(chunk("acme", "guide", i, "Guide part " + i + " about printers.", List.of(), direction(2, 10 * i)));
            chunks.add(chunk("globex", "manual", i, "Manual part " + i + " about printers.", List.of(), direction(1, 10 * i)));
        }
        store.upsert(chunks);

        // when
        long removed = store.deleteDocument("acme", "manual");

        // then
        assertThat(removed).isIn(3L, -1L);
        assertThat(store.count("acme")).isEqualTo(2);
        assertThat(store.count("globex")).isEqualTo(2);
        for (SearchMode mode : SearchMode.values()) {
            assertThat(store.search(new SearchRequest("acme", Set.of(), "manual printers", direction(1, 0), 10, mode)))
                    .extracting(h -> h.chunk().docId()).as(mode.name()).containsOnly("guide");
        }
        assertThat(store.search(keyword("globex", Set.of(), "manual printers", 10)))
                .extracting(h -> h.chunk().docId()).containsOnly("manual").hasSize(2);
    }

    @Test
    void shouldRemoveOnlyTheNamedChunksOfThatTenant_whenChunksAreDeleted() {
        // given
        StoredChunk first = chunk("acme", "faq", 0, "How do I reset my password?", List.of(), direction(1, 0));
        StoredChunk second = chunk("acme", "faq", 1, "How do I change my email address?", List.of(), direction(2, 0));
        StoredChunk third = chunk("acme", "faq", 2, "How do I close my account?", List.of(), direction(3, 0));
        store.upsert(List.of(first, second, third));

        // when: another tenant names acme's chunk, then acme deletes two of its own and one that does not exist
        store.deleteChunks("globex", List.of(second.chunkId()));
        store.deleteChunks("acme", List.of(first.chunkId(), third.chunkId(), ChunkIds.chunkId("acme", "faq", 99)));

        // then
        assertThat(store.count("acme")).isEqualTo(1);
        assertThat(store.search(vector("acme", Set.of(), direction(1, 0), 10)))
                .extracting(h -> h.chunk().chunkId()).containsExactly(second.chunkId());
    }

    @Test
    void shouldNeverReturnAnotherTenantsChunk_inAnySearchMode() {
        // given: many tenants holding the very same texts and vectors
        List<String> tenants = new ArrayList<>();
        List<StoredChunk> chunks = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
            String tenant = "tenant-" + t;
            tenants.add(tenant);
            for (int i = 0; i < 3; i++) {
                chunks.add(chunk(tenant, "shared-doc", i, "Quarterly revenue report part " + i, List.of(),
                        direction(1 + i, 5)));
            }
        }
        store.upsert(chunks);

        for (String tenant : tenants) {
            for (SearchMode mode : SearchMode.values()) {
                // when
                List<ScoredChunk> hits = store.search(new SearchRequest(tenant, Set.of(), "quarterly revenue report",
                        direction(1, 0), 10, mode));

                // then
                assertThat(hits).as(tenant + " " + mode).hasSize(3)
                        .allSatisfy(h -> assertThat(h.chunk().tenant()).isEqualTo(tenant));
            }
            assertThat(store.count(tenant)).isEqualTo(3);
        }
        assertThat(store.count("tenant-unknown")).isZero();
        assertThat(store.search(vector("tenant-unknown", Set.of(), direction(1, 0), 10))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void shouldReturnOnlyChunksOpenToAllOrSharingAGroup_whenSearching(SearchMode mode) {
        // given
        store.upsert(List.of(
                chunk("acme", "open", 0, "Salary policy overview", List.of(), direction(1, 0)),
                chunk("acme", "hr-only", 0, "Salary policy for managers", List.of("hr"), direction(1, 5)),
                chunk("acme", "eng-only", 0, "Salary policy for engineers", List.of("eng"), direction(1, 10)),
                chunk("acme", "hr-and-eng", 0, "Salary policy for staff", List.of("hr", "eng"), direction(1, 15))));

        // when / then
        assertThat(docIds(store.search(request("acme", Set.of(), mode))))
                .containsExactlyInAnyOrder("open");
        assertThat(docIds(store.search(request("acme", Set.of("hr"), mode))))
                .containsExactlyInAnyOrder("open", "hr-only", "hr-and-eng");
        assertThat(docIds(store.search(request("acme", Set.of("eng", "finance"), mode))))
                .containsExactlyInAnyOrder("open", "eng-only", "hr-and-eng");
        assertThat(docIds(store.search(request("acme", Set.of("finance"), mode))))
                .containsExactlyInAnyOrder("open");
    }

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void shouldFillTopKWithVisibleChunks_whenBetterMatchesAreRestricted(SearchMode mode) {
        // given: many restricted chunks closer to the query than the one the requester may see
        List<StoredChunk> chunks = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            chunks.add(chunk("acme", "secret-" + i, 0, "Merger plan merger plan merger plan " + i, List.of("board"),
                    direction(1, 1 + i)));
        }
        chunks.add(chunk("acme", "public", 0, "A short note on the merger plan and the weather in spring", List.of(),
                direction(1, 80)));
        store.upsert(chunks);

        // when
        List<ScoredChunk> hits = store.search(new SearchRequest("acme", Set.of("staff"), "merger plan",
                direction(1, 0), 1, mode));

        // then
        assertThat(docIds(hits)).containsExactly("public");
    }

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void shouldReturnAtMostKChunksBestFirst_whenMoreMatch(SearchMode mode) {
        // given: chunk i is further from the query vector and mentions the query word less than chunk i-1
        List<StoredChunk> chunks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String text = ("lighthouse ".repeat(10 - i) + "harbour ".repeat(i)).trim();
            chunks.add(chunk("acme", "doc-" + i, 0, text, List.of(), direction(1, 8 * i)));
        }
        store.upsert(chunks);

        // when
        List<ScoredChunk> hits = store.search(new SearchRequest("acme", Set.of(), "lighthouse", direction(1, 0), 3, mode));

        // then
        assertThat(docIds(hits)).containsExactly("doc-0", "doc-1", "doc-2");
        assertThat(hits).extracting(ScoredChunk::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            김치는 무엇으로 만드나요?                 | ko-kimchi
            서울 지하철 노선은 몇 개인가요?            | ko-subway
            휴가를 신청하려면 누구의 승인이 필요한가요? | ko-leave
            How do solar panels make electricity?    | en-solar
            How is espresso brewed?                  | en-coffee
            When are expense reports due after travel? | en-expenses
            """)
    void shouldRankTheAnsweringDocumentFirst_whenAskedInKoreanOrEnglish(String question, String expectedDocId) {
        // given: a bilingual corpus embedded by the real model
        Map<String, String> corpus = new LinkedHashMap<>();
        corpus.put("en-solar", "Solar panels convert sunlight into electricity using photovoltaic cells.");
        corpus.put("en-coffee", "Espresso is brewed by forcing hot water through finely ground coffee beans.");
        corpus.put("en-expenses", "Employees must submit expense reports within thirty days of returning from travel.");
        corpus.put("ko-kimchi", "김치는 배추와 고춧가루로 만드는 한국의 전통 발효 음식이다.");
        corpus.put("ko-subway", "서울 지하철은 아홉 개의 노선으로 도시 전역을 연결한다.");
        corpus.put("ko-leave", "직원은 연차 휴가를 신청하려면 팀장의 승인을 받아야 한다.");
        List<String> docIds = List.copyOf(corpus.keySet());
        List<float[]> vectors = embedder().embedAll(List.copyOf(corpus.values()));
        List<StoredChunk> chunks = new ArrayList<>();
        for (int i = 0; i < docIds.size(); i++) {
            chunks.add(chunk("acme", docIds.get(i), 0, corpus.get(docIds.get(i)), List.of(), vectors.get(i)));
        }
        store.upsert(chunks);

        // when
        List<ScoredChunk> hits = store.search(SearchRequest.hybrid("acme", Set.of(), question,
                embedder().embed(question), 3));

        // then
        assertThat(docIds(hits)).first().isEqualTo(expectedDocId);
    }

    // ---- helpers for subclasses and tests

    /** A chunk with a deterministic id, version 1 and no metadata. */
    protected static StoredChunk chunk(String tenant, String docId, int ordinal, String text, List<String> aclGroups,
                                       float[] vector) {
        return new StoredChunk(ChunkIds.chunkId(tenant, docId, ordinal), tenant, docId, 1, ordinal, docId, text,
                aclGroups, Map.of(), vector);
    }

    /**
     * A unit vector {@code degrees} away from axis {@code axis}, turned towards the axis after it: vectors on one
     * axis rank by angle, vectors on different axes are orthogonal.
     */
    protected static float[] direction(int axis, double degrees) {
        float[] v = new float[DIMENSIONS];
        double radians = Math.toRadians(degrees);
        v[axis % DIMENSIONS] = (float) Math.cos(radians);
        v[(axis + 1) % DIMENSIONS] += (float) Math.sin(radians);
        return v;
    }

    /** The real embedding model, loaded once per test class. */
    protected static synchronized Embedder embedder() {
        if (embedder == null) {
            embedder = Embedders.miniLm(16, 2);
        }
        return embedder;
    }

    protected static SearchRequest keyword(String tenant, Set<String> groups, String text, int k) {
        return new SearchRequest(tenant, groups, text, null, k, SearchMode.KEYWORD);
    }

    protected static SearchRequest vector(String tenant, Set<String> groups, float[] vector, int k) {
        return new SearchRequest(tenant, groups, null, vector, k, SearchMode.VECTOR);
    }

    protected static List<String> docIds(List<ScoredChunk> hits) {
        return hits.stream().map(h -> h.chunk().docId()).toList();
    }

    private static SearchRequest request(String tenant, Set<String> groups, SearchMode mode) {
        return new SearchRequest(tenant, groups, "salary policy", direction(1, 0), 10, mode);
    }
}
