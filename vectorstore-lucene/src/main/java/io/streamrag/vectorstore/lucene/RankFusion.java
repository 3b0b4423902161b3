package io.streamrag.vectorstore.lucene;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Weighted reciprocal rank fusion: a document's score is {@code sum(weight_i / (k + rank_i))} over the lists it
 * appears in (rank from 1). Ranks, not raw scores, are fused because BM25 scores are unbounded and depend on the
 * corpus while cosine scores of one model bunch together (MiniLM puts all Korean sentences at 0.63-0.70); ranks
 * make the two comparable without tuning to either scale.
 */
final class RankFusion {

    /** A fused document: its Lucene doc id and fused score. */
    record Fused(int doc, double score) {
    }

    private RankFusion() {
    }

    /**
     * @param k       the damping constant (60 in the original paper): larger values flatten the rank curve
     * @param lists   ranked lists of Lucene doc ids, best first
     * @param weights one weight per list
     * @return every document of every list, best first; ties broken by the better single rank, then doc id
     */
    static List<Fused> fuse(int k, List<int[]> lists, double[] weights) {
        if (lists.size() != weights.length) {
            throw new IllegalArgumentException(lists.size() + " lists but " + weights.length + " weights");
        }
        Map<Integer, double[]> scores = new HashMap<>(); // doc -> {score, best rank}
        for (int list = 0; list < lists.size(); list++) {
            int[] ranked = lists.get(list);
            for (int i = 0; i < ranked.length; i++) {
                double[] entry = scores.computeIfAbsent(ranked[i], d -> new double[]{0, Integer.MAX_VALUE});
                entry[0] += weights[list] / (k + i + 1);
                entry[1] = Math.min(entry[1], i + 1);
            }
        }
        List<Map.Entry<Integer, double[]>> entries = new ArrayList<>(scores.entrySet());
        entries.sort(Comparator.<Map.Entry<Integer, double[]>>comparingDouble(e -> -e.getValue()[0])
                .thenComparingDouble(e -> e.getValue()[1])
                .thenComparingInt(Map.Entry::getKey));
        return entries.stream().map(e -> new Fused(e.getKey(), e.getValue()[0])).toList();
    }
}
