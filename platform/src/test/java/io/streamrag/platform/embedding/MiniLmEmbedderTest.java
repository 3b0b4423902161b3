package io.streamrag.platform.embedding;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import io.streamrag.platform.embedding.EmbeddingConfig.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

/** The in-process MiniLM embedder (own encoder, one-thread-per-call ONNX session), on the real models. */
class MiniLmEmbedderTest {

    private static final List<String> TEXTS = List.of(
            "The printer needs new toner every month.",
            "Paper jams are cleared from the tray at the back.",
            "프린터 토너는 매달 교체해야 합니다.",
            "Kafka keeps every chunk with its vector in a compacted topic.");

    /** Over 512 word pieces: varied sentences so that no two windows of it look alike. */
    private static final String LONG_TEXT = IntStream.range(0, 90)
            .mapToObj(i -> "Section " + i + " explains how replica number " + (i * 7 % 13)
                    + " recovers its unbelievably fragmented log after the broker restarts.")
            .reduce("", (a, b) -> a + " " + b).strip();

    private static final List<String> EDGE_TEXTS = List.of(
            "How do I reset the password of my account?",
            "환불은 구매 후 며칠 안에 신청할 수 있나요?",
            "Kafka 토픽의 retention.ms 를 7일로 바꾸려면?",
            "?!... --- ;;; (*)",
            "naïve café déjà-vu, 東京 🚀",
            LONG_TEXT);

    @ParameterizedTest
    @EnumSource(Precision.class)
    void shouldProduceTheVectorsOfLangchain4jsEncoder_onTheSameModelFiles(Precision precision) {
        // given: langchain4j's own encoder on the same model and tokenizer files
        EmbeddingModel reference = langchain4jEncoder(precision);
        int longTextTokens = reference.embedAll(List.of(TextSegment.from(LONG_TEXT))).tokenUsage().inputTokenCount();
        assertThat(longTextTokens).as("word pieces of the long text read, cut by the tokenizer").isEqualTo(126);

        // when
        List<float[]> vectors;
        try (Embedder embedder = Embedders.miniLm(precision, 4, 2)) {
            vectors = embedder.embedAll(EDGE_TEXTS);
            assertThat(embedder.dimensions()).isEqualTo(384);
            assertThat(embedder.modelName()).isEqualTo(precision.modelName());
            assertThat(embedder.model().embedAll(List.of(TextSegment.from(LONG_TEXT))).tokenUsage().inputTokenCount())
                    .isEqualTo(longTextTokens);
        }

        // then: the same vectors, in input order, each of unit length
        assertThat(vectors).hasSize(EDGE_TEXTS.size());
        for (int i = 0; i < EDGE_TEXTS.size(); i++) {
            float[] expected = reference.embed(EDGE_TEXTS.get(i)).content().vector();
            assertThat(dot(vectors.get(i), expected)).as("text %d", i).isGreaterThanOrEqualTo(0.99999);
            assertThat(dot(vectors.get(i), vectors.get(i))).isCloseTo(1.0, offset(1e-5));
        }
    }

    @Test
    void shouldEmbedTheStartOfALongText_asTheTokenizerFilesCutItAt128Tokens() {
        try (Embedder embedder = Embedders.miniLm(4, 2)) {
            // when
            float[] alone = embedder.embed(LONG_TEXT);
            float[] withOtherTail = embedder.embed(LONG_TEXT + " Bananas are yellow and taste sweet.");

            // then
            assertThat(dot(alone, withOtherTail)).isGreaterThanOrEqualTo(0.99999);
        }
    }

    @Test
    void shouldNameTheInt8ModelTheDefault() {
        try (Embedder embedder = Embedders.miniLm(4, 1)) {
            assertThat(embedder.modelName()).isEqualTo(Embedders.MINILM_NAME).isEqualTo("all-minilm-l6-v2-q");
        }
    }

    @Test
    void shouldGiveVectorsCloseToFp32_withInt8() {
        // given
        try (Embedder int8 = Embedders.miniLm(Precision.INT8, 4, 2);
             Embedder fp32 = Embedders.miniLm(Precision.FP32, 4, 2)) {
            // when
            List<float[]> quantized = int8.embedAll(TEXTS);
            List<float[]> original = fp32.embedAll(TEXTS);

            // then
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(dot(quantized.get(i), original.get(i))).as("text %d", i).isGreaterThanOrEqualTo(0.9);
            }
        }
    }

    @Test
    void shouldRankAParaphraseAboveAnUnrelatedSentence_withInt8() {
        try (Embedder embedder = Embedders.miniLm(4, 2)) {
            // given
            float[] question = embedder.embed("How often must the printer toner be replaced?");

            // when
            float[] paraphrase = embedder.embed("The printer needs new toner every month.");
            float[] unrelated = embedder.embed("Kafka keeps every chunk with its vector in a compacted topic.");

            // then
            assertThat(dot(question, paraphrase)).isGreaterThan(dot(question, unrelated) + 0.2);
        }
    }

    @Test
    void shouldEmbedTheSameTextsAlike_whenSeveralCallersShareTheEmbedder() throws Exception {
        // given: several stream threads embedding their documents at once through one embedder
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try (Embedder embedder = Embedders.miniLm(2, 2)) {
            List<float[]> alone = embedder.embedAll(TEXTS);

            // when
            List<Future<List<float[]>>> together = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                together.add(callers.submit(() -> embedder.embedAll(TEXTS)));
            }

            // then
            for (Future<List<float[]>> result : together) {
                List<float[]> vectors = result.get(60, TimeUnit.SECONDS);
                for (int i = 0; i < TEXTS.size(); i++) {
                    assertThat(dot(vectors.get(i), alone.get(i))).isGreaterThanOrEqualTo(0.99999);
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void shouldRejectABlankText_asLangchain4jDoes(Precision precision) {
        try (Embedder embedder = Embedders.miniLm(precision, 4, 1)) {
            assertThatThrownBy(() -> embedder.embed("")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> embedder.embedAll(List.of("a sentence", "  \n")))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static EmbeddingModel langchain4jEncoder(Precision precision) {
        ClassLoader loader = MiniLmEmbedderTest.class.getClassLoader();
        OnnxBertBiEncoder encoder = new OnnxBertBiEncoder(loader.getResourceAsStream(precision.modelResource()),
                loader.getResourceAsStream(precision.tokenizerResource()), PoolingMode.MEAN);
        return new AbstractInProcessEmbeddingModel(Runnable::run) {
            @Override
            protected OnnxBertBiEncoder model() {
                return encoder;
            }

            @Override
            protected Integer knownDimension() {
                return 384;
            }
        };
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
