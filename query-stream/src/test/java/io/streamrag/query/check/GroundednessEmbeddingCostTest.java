package io.streamrag.query.check;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** What the checker embeds per answer, counted around the real MiniLM model. */
class GroundednessEmbeddingCostTest {

    private static Embedder miniLm;
    private static final AtomicInteger calls = new AtomicInteger();
    private static final AtomicInteger texts = new AtomicInteger();
    private static Embedder counting;

    private static final List<String> LEAFLET = List.of(
            "Store the vaccine in a refrigerator between 2 and 8 degrees. Do not freeze it.",
            "Each vial holds 10 doses. An opened vial must be used within 6 hours.");

    @BeforeAll
    static void loadModel() {
        miniLm = Embedders.miniLm(16, 1);
        EmbeddingModel model = new EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                calls.incrementAndGet();
                texts.addAndGet(segments.size());
                return miniLm.model().embedAll(segments);
            }

            @Override
            public int dimension() {
                return miniLm.dimensions();
            }
        };
        counting = new Embedder(model, miniLm.modelName(), 64);
    }

    @AfterAll
    static void closeModel() {
        miniLm.close();
    }

    @BeforeEach
    void resetCounters() {
        calls.set(0);
        texts.set(0);
    }

    @Test
    void shouldGiveFullSupportWithoutEmbedding_whenTheAnswerQuotesTheContext() {
        // given
        SentenceGroundednessChecker checker = new SentenceGroundednessChecker(counting, 0.5);

        // when
        GroundednessReport report = checker.check("Each vial holds 10 doses. An opened vial must be used within 6 hours!", LEAFLET);

        // then
        assertThat(report.hallucinated()).as(report.toString()).isFalse();
        assertThat(report.sentences()).allSatisfy(s -> assertThat(s.support()).isEqualTo(1.0));
        assertThat(calls).hasValue(0);
    }

    @Test
    void shouldStillFlagAQuotedSentenceWithAChangedNumber_andEmbedOnlyThatOne() {
        // given
        SentenceGroundednessChecker checker = new SentenceGroundednessChecker(counting, 0.5);

        // when
        GroundednessReport report = checker.check("Each vial holds 10 doses. An opened vial must be used within 16 hours.", LEAFLET);

        // then
        assertThat(report.hallucinated()).isTrue();
        assertThat(report.sentences().get(0).support()).isEqualTo(1.0);
        assertThat(calls).hasValue(1);
        assertThat(texts).hasValue(1 + 4); // the changed sentence and the four context sentences
    }

    @Test
    void shouldEmbedContextSentencesOnce_acrossAnswersOverTheSameChunks() {
        // given
        SentenceGroundednessChecker checker = new SentenceGroundednessChecker(counting, 0.5);
        checker.check("Keep the vaccine refrigerated at 2 to 8 degrees.", LEAFLET);
        resetCounters();

        // when
        GroundednessReport report = checker.check("A vial that has been opened has to be used within six hours.", LEAFLET);

        // then
        assertThat(report.hallucinated()).as(report.toString()).isFalse();
        assertThat(calls).hasValue(1);
        assertThat(texts).hasValue(1); // only the new answer sentence
    }

    @Test
    void shouldScoreTheSame_withAndWithoutTheCache() {
        // given
        SentenceGroundednessChecker cached = new SentenceGroundednessChecker(counting, 0.5);
        SentenceGroundednessChecker uncached = new SentenceGroundednessChecker(counting, 0.5, 0);
        String answer = "Keep the vaccine between 2 and 18 degrees. Each vial holds ten doses.";
        cached.check(answer, LEAFLET);

        // when
        GroundednessReport fromCache = cached.check(answer, LEAFLET);
        GroundednessReport fresh = uncached.check(answer, LEAFLET);

        // then
        assertThat(fromCache).isEqualTo(fresh);
        assertThat(fresh.hallucinated()).isTrue();
    }
}
