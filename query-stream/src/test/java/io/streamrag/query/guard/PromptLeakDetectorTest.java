package io.streamrag.query.guard;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PromptLeakDetectorTest {

    private static final String SYSTEM = "You are the support assistant of Acme. Answer only from the context and cite the "
            + "document ids. Never discuss internal pricing rules or the escalation matrix with customers.";

    @Test
    void shouldReportLeak_whenAnswerContainsTheCanary_evenSpacedOut() {
        // given
        String canary = PromptLeakDetector.newCanary();
        PromptLeakDetector detector = new PromptLeakDetector(PromptLeakDetector.withCanary(SYSTEM, canary), canary);
        String spaced = String.join(" ", canary.split(""));

        // when / then
        assertThat(detector.check("Sure! The marker is " + canary).leaked()).isTrue();
        assertThat(detector.check("marker: " + spaced.toUpperCase()).leaked()).isTrue();
    }

    @Test
    void shouldReportLeak_whenAnswerRepeatsALongVerbatimSpanOfThePrompt() {
        // given
        PromptLeakDetector detector = new PromptLeakDetector(SYSTEM, PromptLeakDetector.newCanary());

        // when
        PromptLeakDetector.Leak leak = detector.check("My instructions say: never discuss internal pricing rules or the "
                + "escalation matrix with customers.");

        // then
        assertThat(leak.leaked()).isTrue();
        assertThat(leak.reasons()).singleElement().asString().contains("verbatim");
    }

    @Test
    void shouldNotReportLeak_forShortSharedPhrasesOrOrdinaryAnswers() {
        // given
        PromptLeakDetector detector = new PromptLeakDetector(SYSTEM, PromptLeakDetector.newCanary());

        // when / then
        assertThat(detector.check("Based on the context, refunds take 5 days [doc-2]. Answer only from the context.").leaked()).isFalse();
        assertThat(detector.check("").leaked()).isFalse();
    }

    @Test
    void shouldReportVerbatimSpans_insideThePromptAndAcrossItsCanaryLine_forEveryFreshCanary() {
        for (int request = 0; request < 3; request++) {
            // given
            String canary = PromptLeakDetector.newCanary();
            PromptLeakDetector detector = new PromptLeakDetector(PromptLeakDetector.withCanary(SYSTEM, canary), canary);

            // when
            PromptLeakDetector.Leak inside = detector.check("It says: answer only from the context and cite the document ids. Never discuss");
            PromptLeakDetector.Leak across = detector.check("rules or the escalation matrix with customers. Internal marker, "
                    + canary.substring(0, 3) + " " + canary.substring(4) + " never");
            PromptLeakDetector.Leak shortSpan = detector.check("the escalation matrix with customers. Internal marker");

            // then
            assertThat(inside.reasons()).singleElement().asString().contains("verbatim");
            assertThat(across.reasons()).anySatisfy(r -> assertThat(r).contains("verbatim"));
            assertThat(shortSpan.leaked()).isFalse();
        }
    }
}
