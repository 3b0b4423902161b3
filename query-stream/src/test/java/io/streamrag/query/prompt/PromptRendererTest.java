package io.streamrag.query.prompt;

import io.streamrag.events.PromptTemplate;
import io.streamrag.platform.text.Tokens;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PromptRendererTest {

    private static PromptTemplate ragQa() {
        return BundledTemplates.versionsOf(BundledTemplates.RAG_QA).getFirst();
    }

    @Test
    void shouldRenderThePartsInOrderWithNumberedPassagesLabelledByDocId() {
        // given
        List<Passage> passages = List.of(
                new Passage("vacation-policy", "acme/vacation-policy#0", "Vacation", "Employees receive 25 days of paid vacation.", 0.9),
                new Passage("expense-policy", "acme/expense-policy#0", null, "Meals are reimbursed up to 60 euros.", 0.5));

        // when
        RenderedPrompt prompt = PromptRenderer.render(ragQa(), "How many vacation days?", Map.of(), passages);

        // then
        assertThat(prompt.system()).contains("only the numbered context passages").contains("[doc id]");
        String user = prompt.user();
        assertThat(user).contains("[1] [vacation-policy] Vacation\nEmployees receive 25 days").contains("[2] [expense-policy]\nMeals");
        assertThat(user.indexOf("Context passages:")).isLessThan(user.indexOf("[1]"));
        assertThat(user.indexOf("[2]")).isLessThan(user.indexOf("Question: How many vacation days?"));
        assertThat(user.indexOf("Question:")).isLessThan(user.indexOf("Answer in a few sentences"));
        assertThat(prompt.passages()).hasSize(2);
    }

    @Test
    void shouldTrimTheContextToTheTemplatesTokenBudget() {
        // given: twenty passages of ~100 tokens against a 300-token budget
        List<Passage> passages = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            passages.add(new Passage("doc-" + i, "t/doc-" + i + "#0", null, "word ".repeat(80) + i, 1.0 / (i + 1)));
        }
        PromptTemplate template = PromptTemplate.newBuilder(ragQa()).setMaxContextTokens(300).build();

        // when
        RenderedPrompt prompt = PromptRenderer.render(template, "q?", Map.of(), passages);

        // then: best passages first, within budget
        assertThat(prompt.contextTokens()).isLessThanOrEqualTo(300);
        assertThat(prompt.passages()).isNotEmpty().hasSizeLessThan(20);
        assertThat(prompt.passages().getFirst().docId()).isEqualTo("doc-0");
        assertThat(prompt.user()).doesNotContain("[doc-19]");
    }

    @Test
    void shouldCutAnOversizedFirstPassageInsteadOfSendingNoContext() {
        // given
        PromptTemplate template = PromptTemplate.newBuilder(ragQa()).setMaxContextTokens(50).build();
        Passage huge = new Passage("big", "t/big#0", null, "lorem ipsum ".repeat(500), 1.0);

        // when
        RenderedPrompt prompt = PromptRenderer.render(template, "q?", Map.of(), List.of(huge));

        // then
        assertThat(prompt.passages()).hasSize(1);
        assertThat(prompt.contextTokens()).isLessThanOrEqualTo(50);
        assertThat(Tokens.estimate(prompt.user())).isLessThan(200);
    }

    @Test
    void shouldRenderTheSentimentExampleWithItsFewShotExamplesAndOutputLines() {
        // given
        PromptTemplate sentiment = BundledTemplates.versionsOf(BundledTemplates.SENTIMENT_KO).getFirst();

        // when
        RenderedPrompt prompt = PromptRenderer.render(sentiment, "배송이 너무 늦어서 실망했어요.", Map.of(), List.of());

        // then
        assertThat(prompt.system()).contains("긍정적/중립적/부정적").contains("1-5");
        assertThat(prompt.user()).contains("이 제품 정말 최고예요! 강력 추천합니다.").contains("감정: 긍정적\n강도: 5")
                .contains("감정: 중립적").contains("감정: 부정적")
                .contains("문장: 배송이 너무 늦어서 실망했어요.")
                .endsWith("감정: [긍정적/중립적/부정적]\n강도: [1-5]\n설명: [한 문장]");
        assertThat(prompt.passages()).isEmpty();
        assertThat(sentiment.getExamples()).hasSize(3);
    }

    @Test
    void shouldFillParametersAndLeaveUnknownPlaceholdersEmpty() {
        assertThat(PromptRenderer.fill("Q: {{question}} in {{ lang }}{{missing}}.", "why?", Map.of("lang", "ko")))
                .isEqualTo("Q: why? in ko.");
    }
}
