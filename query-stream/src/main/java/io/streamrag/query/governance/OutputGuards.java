package io.streamrag.query.governance;

import io.streamrag.query.AnswerChecks;
import io.streamrag.query.guard.PiiRedactor;
import io.streamrag.query.guard.PromptLeakDetector;
import io.streamrag.query.llm.LlmRequest;
import io.streamrag.query.prompt.Passage;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The controls on an answer before it leaves: system-prompt leak detection (withholds) and PII redaction (rewrites). */
public final class OutputGuards {

    public static final String LEAK_REASON = "answer leaked the system prompt";

    private OutputGuards() {
    }

    /**
     * Withholds an answer that carries the canary planted in its system prompt or repeats {@code minSpanWords}
     * words of it verbatim: status BLOCKED, flag {@code prompt.leak}.
     */
    public static AnswerChecks.AnswerFilter promptLeak(int minSpanWords) {
        return new AnswerChecks.AnswerFilter() {
            @Override
            public AnswerChecks.Filtered apply(String question, String answer, List<Passage> passages) {
                return new AnswerChecks.Filtered(answer, List.of(), null);   // needs the system prompt: see below
            }

            @Override
            public AnswerChecks.Filtered apply(LlmRequest request, String answer, List<Passage> passages) {
                String system = request.systemPrompt();
                PromptLeakDetector detector = new PromptLeakDetector(system,
                        PromptLeakDetector.plantedCanary(system).orElse(null), minSpanWords);
                PromptLeakDetector.Leak leak = detector.check(answer);
                return leak.leaked()
                        ? new AnswerChecks.Filtered(answer, List.of("prompt.leak"), LEAK_REASON)
                        : new AnswerChecks.Filtered(answer, List.of(), null);
            }
        };
    }

    /** Replaces personal data in the answer by typed placeholders; one flag {@code pii.redacted:<kind>} per kind found. */
    public static AnswerChecks.AnswerFilter piiRedaction(PiiRedactor redactor) {
        return (question, answer, passages) -> {
            if (answer == null || answer.isEmpty()) {
                return new AnswerChecks.Filtered(answer, List.of(), null);
            }
            PiiRedactor.Redaction redaction = redactor.redact(answer);
            Set<String> kinds = new LinkedHashSet<>(redaction.kinds());
            return new AnswerChecks.Filtered(redaction.text(), kinds.stream().map(k -> "pii.redacted:" + k).toList(), null);
        };
    }
}
