package io.streamrag.monitor;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Population stability index of the input and output feature distributions of a window against a reference
 * window: sum over bins of (p - q) * ln(p / q), with empty bins smoothed. Rule of thumb: below 0.1 stable,
 * 0.1-0.25 moderate shift, above 0.25 a real change.
 */
final class Drift {

    private static final double EPSILON = 1e-4;

    private Drift() {
    }

    /** PSI per feature; a feature is skipped when either side has fewer than minSamples observations. */
    static Map<String, Double> psi(WindowAggregate current, WindowAggregate reference, long minSamples) {
        Map<String, Double> out = new TreeMap<>();
        put(out, "question_chars", current.questionBins, reference.questionBins, minSamples);
        put(out, "answer_chars", current.answerBins, reference.answerBins, minSamples);
        put(out, "retrieval_top_score", current.scoreBins, reference.scoreBins, minSamples);
        Set<String> languages = new TreeSet<>(current.languages.keySet());
        languages.addAll(reference.languages.keySet());
        long[] cur = new long[languages.size()];
        long[] ref = new long[languages.size()];
        int i = 0;
        for (String lang : languages) {
            cur[i] = current.languages.getOrDefault(lang, 0L);
            ref[i++] = reference.languages.getOrDefault(lang, 0L);
        }
        put(out, "language", cur, ref, minSamples);
        return out;
    }

    private static void put(Map<String, Double> out, String name, long[] current, long[] reference, long minSamples) {
        long n = WindowAggregate.sum(current);
        long m = WindowAggregate.sum(reference);
        if (n < Math.max(1, minSamples) || m < Math.max(1, minSamples)) {
            return;
        }
        double psi = 0;
        for (int i = 0; i < current.length; i++) {
            double p = Math.max(EPSILON, (double) current[i] / n);
            double q = Math.max(EPSILON, (double) reference[i] / m);
            psi += (p - q) * Math.log(p / q);
        }
        out.put(name, psi);
    }
}
