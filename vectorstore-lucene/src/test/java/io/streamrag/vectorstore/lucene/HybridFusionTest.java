package io.streamrag.vectorstore.lucene;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HybridFusionTest {

    @Test
    void shouldLetAClearKeywordWinnerLead_whenVectorScoresBarelyDiffer() {
        // given: vector similarities bunched together, BM25 sure of doc 2
        Map<Integer, Double> vector = Map.of(1, 0.870, 2, 0.836, 3, 0.834);
        Map<Integer, Double> keyword = Map.of(2, 4.4, 3, 0.7);

        // when
        List<HybridFusion.Fused> fused = HybridFusion.relativeScore(vector, keyword, 0.5);

        // then
        assertThat(fused).extracting(HybridFusion.Fused::doc).containsExactly(2, 1, 3);
        assertThat(fused.getFirst().score()).isBetween(0.5, 1.0);
    }

    @Test
    void shouldRankByOneSignalOnly_whenAlphaIsZeroOrOne() {
        // given
        Map<Integer, Double> vector = Map.of(1, 0.9, 2, 0.5, 3, 0.1);
        Map<Integer, Double> keyword = Map.of(3, 9.0, 2, 5.0);

        // when / then
        assertThat(HybridFusion.relativeScore(vector, keyword, 1.0)).extracting(HybridFusion.Fused::doc)
                .containsExactly(1, 2, 3);
        assertThat(HybridFusion.relativeScore(vector, keyword, 0.0)).extracting(HybridFusion.Fused::doc)
                .containsExactly(3, 1, 2); // doc 2 is BM25's lowest (0); ties fall back to vector similarity
    }

    @Test
    void shouldTreatEqualScoresAsAllBest_whenNormalising() {
        assertThat(HybridFusion.minMax(Map.of(1, 2.0, 2, 2.0))).containsEntry(1, 1.0).containsEntry(2, 1.0);
        assertThat(HybridFusion.minMax(Map.of(1, 1.0, 2, 3.0))).containsEntry(1, 0.0).containsEntry(2, 1.0);
    }

    @Test
    void shouldRankADocumentFoundByBothListsFirst_whenFusingRanks() {
        // given
        List<int[]> lists = List.of(new int[]{1, 7, 3}, new int[]{2, 7, 4});

        // when
        List<HybridFusion.Fused> fused = HybridFusion.reciprocalRank(60, lists, new double[]{1, 1});

        // then
        assertThat(fused).extracting(HybridFusion.Fused::doc).containsExactly(7, 1, 2, 3, 4);
        assertThat(fused.getFirst().score()).isEqualTo(2.0 / 62);
    }

    @Test
    void shouldFollowTheHeavierList_whenRankWeightsDiffer() {
        List<int[]> lists = List.of(new int[]{1, 2}, new int[]{2, 1});
        assertThat(HybridFusion.reciprocalRank(60, lists, new double[]{1, 2}))
                .extracting(HybridFusion.Fused::doc).containsExactly(2, 1);
    }

    @Test
    void shouldRefuse_whenRankWeightsDoNotMatchLists() {
        assertThatThrownBy(() -> HybridFusion.reciprocalRank(60, List.of(new int[]{1}), new double[]{1, 1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
