package io.streamrag.vectorstore.lucene;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RankFusionTest {

    @Test
    void shouldRankADocumentFoundByBothListsFirst_whenNeitherListHasItOnTop() {
        // given
        List<int[]> lists = List.of(new int[]{1, 7, 3}, new int[]{2, 7, 4});

        // when
        List<RankFusion.Fused> fused = RankFusion.fuse(60, lists, new double[]{1, 1});

        // then
        assertThat(fused).extracting(RankFusion.Fused::doc).containsExactly(7, 1, 2, 3, 4);
        assertThat(fused.getFirst().score()).isEqualTo(2.0 / 62);
    }

    @Test
    void shouldFollowTheHeavierList_whenWeightsDiffer() {
        // given
        List<int[]> lists = List.of(new int[]{1, 2}, new int[]{2, 1});

        // when
        List<RankFusion.Fused> fused = RankFusion.fuse(60, lists, new double[]{1, 2});

        // then
        assertThat(fused).extracting(RankFusion.Fused::doc).containsExactly(2, 1);
    }

    @Test
    void shouldRefuse_whenWeightsDoNotMatchLists() {
        assertThatThrownBy(() -> RankFusion.fuse(60, List.of(new int[]{1}), new double[]{1, 1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
