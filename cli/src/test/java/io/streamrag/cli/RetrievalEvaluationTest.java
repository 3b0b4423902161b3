package io.streamrag.cli;

import io.streamrag.ingest.DocumentProcessor;
import io.streamrag.ingest.IngestSettings;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.vector.SearchMode;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RetrievalEvaluationTest {

    @TempDir
    Path dir;

    @Test
    void shouldComputeHitRatesAndMrr_whenRanksAreKnown() {
        // given: first expected doc at ranks 1, 2, missing, 1 and 4
        RetrievalMetrics metrics = new RetrievalMetrics();

        // when
        int[] ranks = {
                metrics.add(List.of("a", "b", "c"), Set.of("a")),
                metrics.add(List.of("x", "b", "c"), Set.of("b", "c")),
                metrics.add(List.of("x", "y", "z"), Set.of("a")),
                metrics.add(List.of("a"), Set.of("a")),
                metrics.add(List.of("w", "x", "y", "d"), Set.of("d"))};

        // then: hit@1 = 2/5, hit@k = 4/5, MRR = (1 + 1/2 + 0 + 1 + 1/4) / 5 = 0.55
        assertThat(ranks).containsExactly(1, 2, 0, 1, 4);
        assertThat(metrics.n()).isEqualTo(5);
        assertThat(metrics.hitAt1()).isCloseTo(0.4, within(1e-9));
        assertThat(metrics.hitAtK()).isCloseTo(0.8, within(1e-9));
        assertThat(metrics.mrr()).isCloseTo(0.55, within(1e-9));
    }

    @Test
    void shouldScoreEachQuestionByItsDocuments_whenTinyBilingualCorpusIsIndexed() throws IOException {
        // given: three documents on unrelated topics, and four questions, one expecting a document that is not there
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        Files.writeString(corpus.resolve("espresso.md"), "# Espresso machine\n\nThe espresso machine in the kitchen "
                + "needs descaling every month. Empty the grounds drawer when the light turns red.");
        Files.writeString(corpus.resolve("lag.txt"), "Consumer lag\n\nConsumer lag grows when a Kafka consumer group "
                + "reads partitions slower than producers write them. Add consumers up to the partition count.");
        Files.writeString(corpus.resolve("shuttle.html"), "<html><head><title>통근버스</title></head><body>"
                + "<p>통근버스는 매일 오전 8시에 수원역에서 출발합니다. 탑승 신청은 매월 20일까지 합니다.</p></body></html>");
        Path dataset = dir.resolve("questions.jsonl");
        Files.writeString(dataset, String.join("\n",
                "{\"question\": \"How often must the espresso machine be descaled?\", \"expected_doc_ids\": [\"espresso\"]}",
                "{\"question\": \"Why does Kafka consumer lag keep growing?\", \"expected_doc_ids\": [\"lag\"]}",
                "{\"question\": \"통근버스는 몇 시에 수원역에서 출발하나요?\", \"expected_doc_ids\": [\"shuttle\"]}",
                "{\"question\": \"What is the parental leave policy?\", \"expected_doc_ids\": [\"parental-leave\"]}",
                ""));

        // when
        RetrievalEvaluation.Report report;
        try (Embedder embedder = Embedders.miniLm(32, 2);
             LuceneVectorStore store = LuceneVectorStore.open(dir.resolve("index"))) {
            report = new RetrievalEvaluation(new DocumentProcessor(IngestSettings.defaults(), embedder), store, SearchMode.HYBRID)
                    .evaluate(corpus, dataset, 2);
        }

        // then: three answered at rank 1, the fourth never (its document does not exist): 3/4 on every metric
        assertThat(report.documents()).isEqualTo(3);
        assertThat(report.results()).extracting(RetrievalEvaluation.Result::rank).containsExactly(1, 1, 1, 0);
        assertThat(report.results()).allSatisfy(r -> assertThat(r.retrieved()).hasSizeLessThanOrEqualTo(2).doesNotHaveDuplicates());
        assertThat(report.all().n()).isEqualTo(4);
        assertThat(report.all().hitAt1()).isEqualTo(0.75);
        assertThat(report.all().hitAtK()).isEqualTo(0.75);
        assertThat(report.all().mrr()).isEqualTo(0.75);
        assertThat(report.byLanguage()).containsOnlyKeys("en", "ko");
        assertThat(report.byLanguage().get("ko").n()).isEqualTo(1);
        assertThat(report.byLanguage().get("ko").hitAt1()).isEqualTo(1.0);
    }
}
