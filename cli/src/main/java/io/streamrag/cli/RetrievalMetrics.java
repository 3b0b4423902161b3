package io.streamrag.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Document-level retrieval metrics over questions: hit@1, hit@k and mean reciprocal rank (a question whose expected
 * documents are all missing from the top k counts 0).
 */
final class RetrievalMetrics {

    private int n;
    private int hitsAt1;
    private int hitsAtK;
    private double reciprocalRanks;

    /**
     * Adds one question.
     *
     * @param ranked   the retrieved doc ids, best first, at most k
     * @param expected the doc ids that answer it
     * @return the 1-based rank of the first expected doc, or 0 when none was retrieved
     */
    int add(List<String> ranked, Set<String> expected) {
        n++;
        for (int i = 0; i < ranked.size(); i++) {
            if (expected.contains(ranked.get(i))) {
                if (i == 0) {
                    hitsAt1++;
                }
                hitsAtK++;
                reciprocalRanks += 1.0 / (i + 1);
                return i + 1;
            }
        }
        return 0;
    }

    int n() {
        return n;
    }

    double hitAt1() {
        return n == 0 ? 0 : (double) hitsAt1 / n;
    }

    double hitAtK() {
        return n == 0 ? 0 : (double) hitsAtK / n;
    }

    double mrr() {
        return n == 0 ? 0 : reciprocalRanks / n;
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("n", n);
        map.put("hit_at_1", round(hitAt1()));
        map.put("hit_at_k", round(hitAtK()));
        map.put("mrr", round(mrr()));
        return map;
    }

    static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
