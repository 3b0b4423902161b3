package io.streamrag.vectorstore.lucene;

import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchMode;
import io.streamrag.platform.vector.SearchRequest;
import io.streamrag.platform.vector.StoredChunk;
import io.streamrag.platform.vector.VectorStore;
import io.streamrag.testkit.VectorStoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LuceneVectorStoreTest extends VectorStoreContract {

    @TempDir
    Path dir;

    @Override
    protected VectorStore createStore() {
        return LuceneVectorStore.open(dir.resolve("index"));
    }

    @Test
    void shouldFindPreviousChunks_whenTheSameDirectoryIsReopened() {
        // given
        StoredChunk kept = chunk("acme", "manual", 0, "The printer needs toner every month.", List.of("ops"), direction(1, 0));
        store.upsert(List.of(kept, chunk("acme", "manual", 1, "Paper jams are cleared from the back.", List.of(), direction(2, 0))));
        store.deleteChunks("acme", List.of(chunk("acme", "manual", 1, "", List.of(), null).chunkId()));
        store.close();

        // when
        store = LuceneVectorStore.open(dir.resolve("index"));

        // then
        assertThat(store.count("acme")).isEqualTo(1);
        List<ScoredChunk> hits = store.search(SearchRequest.hybrid("acme", Set.of("ops"), "printer toner", direction(1, 0), 5));
        assertThat(hits).extracting(h -> h.chunk().chunkId()).containsExactly(kept.chunkId());
        assertThat(hits.getFirst().chunk().vector()).containsExactly(kept.vector());
    }

    @Test
    void shouldSeeEveryWrite_whenUpsertsAndSearchesRunConcurrently() throws Exception {
        // given
        int writers = 4;
        int batches = 10;
        int perBatch = 5;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
        List<Future<?>> futures = new ArrayList<>();
        List<Throwable> searchErrors = Collections.synchronizedList(new ArrayList<>());

        // when: writers upsert their own documents while readers search and check each write is visible on return
        for (int w = 0; w < writers; w++) {
            int writer = w;
            futures.add(pool.submit(() -> {
                for (int b = 0; b < batches; b++) {
                    List<StoredChunk> batch = new ArrayList<>();
                    String docId = "w" + writer + "-b" + b;
                    for (int i = 0; i < perBatch; i++) {
                        batch.add(chunk("acme", docId, i, "concurrent write " + docId, List.of(), direction(writer, 3 * i)));
                    }
                    store.upsert(batch);
                    assertThat(store.search(new SearchRequest("acme", Set.of(), "concurrent " + docId, null, 50,
                            SearchMode.KEYWORD))).extracting(h -> h.chunk().docId()).contains(docId);
                }
            }));
        }
        for (int r = 0; r < 2; r++) {
            futures.add(pool.submit(() -> {
                for (int q = 0; q < 50; q++) {
                    try {
                        List<ScoredChunk> hits = store.search(SearchRequest.hybrid("acme", Set.of(), "concurrent write",
                                direction(q % 4, 0), 10));
                        assertThat(hits.size()).isLessThanOrEqualTo(10);
                    } catch (Throwable e) {
                        searchErrors.add(e);
                    }
                }
            }));
        }
        for (Future<?> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        // then
        assertThat(searchErrors).isEmpty();
        assertThat(store.count("acme")).isEqualTo((long) writers * batches * perBatch);
    }

    @Test
    void shouldWriteOneSegment_whenManyDocumentsAreUpsertedWithoutASearchBetween() throws Exception {
        // given: an ingest of many small documents, one upsert each, with nobody searching meanwhile
        for (int doc = 0; doc < 40; doc++) {
            store.upsert(List.of(chunk("acme", "doc-" + doc, 0, "small document " + doc, List.of(), direction(doc % 8, doc))));
        }

        // when
        ((LuceneVectorStore) store).commit();

        // then: the writes were buffered into one segment instead of a flushed segment per document, and all are found
        try (var directory = org.apache.lucene.store.FSDirectory.open(dir.resolve("index"))) {
            assertThat(org.apache.lucene.index.SegmentInfos.readLatestCommit(directory).size()).isEqualTo(1);
        }
        assertThat(store.count("acme")).isEqualTo(40);
        assertThat(store.search(new SearchRequest("acme", Set.of(), "document 39", null, 1, SearchMode.KEYWORD)))
                .extracting(h -> h.chunk().docId()).containsExactly("doc-39");
    }

    @Test
    void shouldSeeADeletion_whenSearchingRightAfterIt() {
        // given
        store.upsert(List.of(chunk("acme", "gone", 0, "soon deleted", List.of(), direction(1, 0))));
        assertThat(store.count("acme")).isEqualTo(1);

        // when
        store.deleteChunks("acme", List.of(chunk("acme", "gone", 0, "", List.of(), null).chunkId()));

        // then
        assertThat(store.count("acme")).isZero();
    }

    @Test
    void shouldRefuseASecondWriter_whenTheDirectoryIsAlreadyOpen() {
        // given: the contract's store holds the index

        // when / then
        assertThatThrownBy(() -> LuceneVectorStore.open(dir.resolve("index")))
                .hasMessageContaining(dir.resolve("index").toString());
    }

    @Test
    void shouldRejectAChunk_whenItsVectorHasAnotherDimension() {
        // given
        store.upsert(List.of(chunk("acme", "a", 0, "first", List.of(), direction(1, 0))));

        // when / then
        assertThatThrownBy(() -> store.upsert(List.of(chunk("acme", "b", 0, "second", List.of(), new float[]{1, 0, 0}))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("acme/b#0");
        assertThat(store.count("acme")).isEqualTo(1);
    }

    @Test
    void shouldMatchKoreanWords_whenQuestionUsesOtherParticlesThanTheDocument() {
        // given: Korean attaches particles to nouns, so whitespace tokens differ between question and text
        store.upsert(List.of(
                chunk("acme", "subway", 0, "서울 지하철은 새벽 다섯 시 반부터 운행한다.", List.of(), direction(1, 0)),
                chunk("acme", "bus", 0, "시내버스는 심야에도 일부 노선이 운행된다.", List.of(), direction(2, 0))));

        // when
        List<ScoredChunk> hits = store.search(new SearchRequest("acme", Set.of(), "지하철이 몇 시에 다니나요?", null, 5,
                SearchMode.KEYWORD));

        // then
        assertThat(hits).extracting(h -> h.chunk().docId()).first().isEqualTo("subway");
    }

    @Test
    void shouldRankTheCompoundsDocumentFirst_whenNoriSplitsTheCompoundDifferentlyInTheQuestion() {
        // given: nori reads 대회의실 (large meeting room) as 대회 + 실, so only the Hangul bigrams 회의 and 의실 link
        // it to a question about a 회의실 (meeting room); the other document shares more nori terms (회의, 실)
        store.upsert(List.of(
                chunk("acme", "rooms", 0, "대회의실은 이 주 전부터 예약할 수 있습니다.", List.of(), direction(1, 0)),
                chunk("acme", "lab", 0, "연구실 장비와 회의 물품은 하루 전부터 예약할 수 있습니다.", List.of(), direction(2, 0))));
        String question = "회의실은 며칠 전부터 예약할 수 있나요?";

        // when
        List<ScoredChunk> hits = store.search(new SearchRequest("acme", Set.of(), question, null, 5, SearchMode.KEYWORD));

        // then
        assertThat(hits).extracting(h -> h.chunk().docId()).first().isEqualTo("rooms");
    }

    @Test
    void shouldLetBm25OutweighTheVectors_whenTheQuestionIsKorean() {
        // given: the vector side prefers the wrong chunk (as an English-centric model does for Korean),
        // only the right chunk shares words with the question
        float[] question = direction(5, 0);
        store.upsert(List.of(
                chunk("acme", "right", 0, "통근버스는 매월 이십일까지 신청합니다.", List.of(), direction(5, 60)),
                chunk("acme", "wrong", 0, "구내식당은 지하 일층에 있습니다.", List.of(), direction(5, 5))));

        // when
        List<ScoredChunk> hits = store.search(SearchRequest.hybrid("acme", Set.of(), "통근버스 신청은 언제까지 하나요?",
                question, 2));

        // then
        assertThat(hits).extracting(h -> h.chunk().docId()).containsExactly("right", "wrong");
    }

    @Test
    void shouldLetTheVectorsDecide_whenTheSameDisagreementComesInEnglish() {
        // given: the same disagreement between the signals, in English, where the vectors are the stronger signal
        float[] question = direction(5, 0);
        store.upsert(List.of(
                chunk("acme", "lexical", 0, "The shuttle bus is booked by the twentieth of each month.", List.of(), direction(5, 60)),
                chunk("acme", "semantic", 0, "Commuter coaches need a seat reservation.", List.of(), direction(5, 5))));

        // when
        List<ScoredChunk> hits = store.search(SearchRequest.hybrid("acme", Set.of(), "When do I book the shuttle bus?",
                question, 2));

        // then
        assertThat(hits).extracting(h -> h.chunk().docId()).containsExactly("semantic", "lexical");
    }

    @Test
    void shouldWeighBothSignalsAlike_whenTheKoreanWeightIsConfiguredLikeTheEnglishOne() {
        // given: a store told to trust vectors as much for Korean as for English
        LuceneVectorStore.Options defaults = LuceneVectorStore.Options.defaults();
        try (LuceneVectorStore same = LuceneVectorStore.open(dir.resolve("same-weight"), new LuceneVectorStore.Options(
                defaults.fusion(), 0.6, defaults.rrfK(), defaults.minCandidates(), defaults.ramBufferMb(), 0.6,
                defaults.hangulBigramWeight(), defaults.decompound()))) {
            same.upsert(List.of(
                    chunk("acme", "right", 0, "통근버스는 매월 이십일까지 신청합니다.", List.of(), direction(5, 60)),
                    chunk("acme", "wrong", 0, "구내식당은 지하 일층에 있습니다.", List.of(), direction(5, 5))));

            // when
            List<ScoredChunk> hits = same.search(SearchRequest.hybrid("acme", Set.of(), "통근버스 신청은 언제까지 하나요?",
                    direction(5, 0), 2));

            // then: the noisy vector vote wins, which is why Korean questions get their own, lower weight
            assertThat(hits).extracting(h -> h.chunk().docId()).containsExactly("wrong", "right");
        }
    }
}
