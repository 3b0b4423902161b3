package io.streamrag.query;

import io.streamrag.query.check.GroundednessChecker;
import io.streamrag.query.llm.LlmRequest;
import io.streamrag.query.prompt.Passage;

import java.util.List;

/**
 * The seam after the LLM: checks an answer against its sources. Groundedness (score, hallucination flag) runs when
 * a checker is given; filters (PII redaction, prompt-leak detection) may rewrite the answer, add flags or withhold
 * it. Runs off the stream thread, inside the request's LLM slot.
 */
public record AnswerChecks(GroundednessChecker groundedness, List<AnswerFilter> filters) {

    public AnswerChecks {
        filters = List.copyOf(filters);
    }

    public static AnswerChecks none() {
        return new AnswerChecks(null, List.of());
    }

    public static AnswerChecks of(GroundednessChecker groundedness) {
        return new AnswerChecks(groundedness, List.of());
    }

    /** One control on the answer text. */
    @FunctionalInterface
    public interface AnswerFilter {
        Filtered apply(String question, String answer, List<Passage> passages);

        /** With the whole LLM request (its system prompt, for leak detection); by default the question only. */
        default Filtered apply(LlmRequest request, String answer, List<Passage> passages) {
            return apply(request.question(), answer, passages);
        }
    }

    /** The (possibly rewritten) answer, flags to record, and a reason when the answer must be withheld (null: keep). */
    public record Filtered(String answer, List<String> flags, String blockReason) {
        public Filtered {
            flags = List.copyOf(flags);
        }
    }
}
