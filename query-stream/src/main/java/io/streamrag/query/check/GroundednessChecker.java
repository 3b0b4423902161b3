package io.streamrag.query.check;

import java.util.List;

/**
 * Scores how well each sentence of an answer is supported by the retrieved context, and flags the answer as
 * hallucinated when support is too weak (unsupported claims, wrong numbers, contradictions, negations).
 */
public interface GroundednessChecker {

    GroundednessReport check(String answer, List<String> contextPassages);
}
