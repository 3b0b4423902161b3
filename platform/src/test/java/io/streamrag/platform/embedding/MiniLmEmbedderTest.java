package io.streamrag.platform.embedding;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-process MiniLM embedder with its own one-thread-per-call ONNX session, on the real model. */
class MiniLmEmbedderTest {

    private static final List<String> TEXTS = List.of(
            "The printer needs new toner every month.",
            "Paper jams are cleared from the tray at the back.",
            "프린터 토너는 매달 교체해야 합니다.",
            "Kafka keeps every chunk with its vector in a compacted topic.");

    @Test
    void shouldProduceTheVectorsOfLangchain4jsMiniLm_inInputOrder() {
        // given
        var reference = new AllMiniLmL6V2EmbeddingModel();

        // when
        List<float[]> vectors;
        try (Embedder embedder = Embedders.miniLm(3, 2)) {
            vectors = embedder.embedAll(TEXTS);
            assertThat(embedder.dimensions()).isEqualTo(384);
        }

        // then: the same model and pooling, only the threading differs
        assertThat(vectors).hasSize(TEXTS.size());
        for (int i = 0; i < TEXTS.size(); i++) {
            float[] expected = reference.embed(TEXTS.get(i)).content().vector();
            assertThat(dot(vectors.get(i), expected)).as("text %d", i).isGreaterThan(0.9999);
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
                    assertThat(dot(vectors.get(i), alone.get(i))).isGreaterThan(0.9999);
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
