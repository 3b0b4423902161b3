package io.streamrag.query;

import io.streamrag.platform.embedding.Embedder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddingBatcherTest {

    @Test
    void shouldReturnTheSameVectorsAsTheModel_whenCallsAreMergedIntoBatches() throws Exception {
        // given
        Embedder direct = QueryFixtures.embedder();
        List<String> texts = List.of("How many vacation days?", "출장 식비는 얼마까지 정산되나요?", "Parking costs 5 euros.",
                "Who approves remote work?", "재택근무는 주 2회까지 허용됩니다.", "Laptops are replaced every three years.");
        try (Embedder batched = EmbeddingBatcher.wrap(direct, 4);
             var pool = Executors.newVirtualThreadPerTaskExecutor()) {

            // when: concurrent single-text calls
            List<CompletableFuture<float[]>> futures = new ArrayList<>();
            for (String text : texts) {
                futures.add(CompletableFuture.supplyAsync(() -> batched.embed(text), pool));
            }

            // then
            for (int i = 0; i < texts.size(); i++) {
                float[] expected = direct.embed(texts.get(i));
                float[] actual = futures.get(i).get();
                double dot = 0;
                for (int d = 0; d < expected.length; d++) {
                    dot += expected[d] * actual[d];
                }
                assertThat(dot).isGreaterThan(0.999);
            }
        }
    }
}
