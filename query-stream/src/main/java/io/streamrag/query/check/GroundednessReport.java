package io.streamrag.query.check;

import java.util.List;

/** Overall support score in [0, 1], the hallucination flag, and the per-sentence findings behind them. */
public record GroundednessReport(double score, boolean hallucinated, List<SentenceSupport> sentences) {

    public GroundednessReport {
        sentences = List.copyOf(sentences);
    }

    /** One answer sentence: its support in [0, 1], whether it counts as supported, and why not. */
    public record SentenceSupport(String sentence, double support, boolean supported, String reason) {
    }
}
