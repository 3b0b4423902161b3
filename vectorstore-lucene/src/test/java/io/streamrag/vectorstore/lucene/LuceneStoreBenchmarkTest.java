package io.streamrag.vectorstore.lucene;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LuceneStoreBenchmarkTest {

    @Test
    void shouldFindNearlyAllExactNeighbours_whenVectorsAreShapedLikeEmbeddings(@TempDir Path dir) {
        // when
        LuceneStoreBenchmark.Result result = LuceneStoreBenchmark.run(2_000, 30, 128, 42, dir);

        // then: behaviour only; speed is measured by the bench command
        assertThat(result.recallAt10()).isGreaterThanOrEqualTo(0.9);
        assertThat(result.chunks()).isEqualTo(2_000);
        assertThat(result.queriesPerSecond()).isPositive();
        assertThat(result.exactQueriesPerSecond()).isPositive();
        assertThat(result.indexSeconds()).isPositive();
    }

    @Test
    void shouldAgreeWithAFullScan_whenExactTopKIsComputed() {
        // given: vector i has dot product i with the query
        float[][] data = new float[20][];
        for (int i = 0; i < data.length; i++) {
            data[i] = new float[]{i, 0};
        }

        // when
        int[] top = LuceneStoreBenchmark.exactTopK(data, new float[]{1, 0});

        // then
        assertThat(top).containsExactly(19, 18, 17, 16, 15, 14, 13, 12, 11, 10);
    }
}
