package io.streamrag.query.llm;

import io.streamrag.platform.text.Tokens;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class OfflineExtractiveAnswererTest {

    private final OfflineExtractiveAnswerer answerer = new OfflineExtractiveAnswerer();

    @Test
    void shouldAnswerWithRelevantEnglishSentenceAndCitation_whenContextHoldsAnswer() throws Exception {
        // given
        LlmRequest request = LlmRequests.question("How many days do I have to return an item for a refund?", List.of(
                "Our stores open at nine. Items can be returned for a refund within 30 days of delivery.",
                "Gift cards never expire. Shipping is free above 50 euros."), null);

        // when
        LlmResponse response = answerer.complete(request).get(1, TimeUnit.SECONDS);

        // then
        assertThat(response.text()).isEqualTo("Items can be returned for a refund within 30 days of delivery. [1]");
        assertThat(response.provider()).isEqualTo("offline-extractive");
        assertThat(response.model()).isEqualTo("extractive-v1");
        assertThat(response.outputTokens()).isEqualTo(Tokens.estimate(response.text()));
        assertThat(response.inputTokens()).isPositive();
    }

    @Test
    void shouldAnswerWithRelevantKoreanSentence_whenParticlesDiffer() throws Exception {
        // given: the question says 환불은 / 기간, the context 환불 / 기간을 with other particles
        LlmRequest request = LlmRequests.question("환불 가능 기간은 얼마나 되나요?", List.of(
                "매장은 오전 9시에 문을 엽니다. 배송은 보통 3일이 걸립니다.",
                "제품 환불은 구매일로부터 14일 이내에 가능합니다. 영수증을 지참해야 합니다."), null);

        // when
        LlmResponse response = answerer.complete(request).get(1, TimeUnit.SECONDS);

        // then
        assertThat(response.text()).startsWith("제품 환불은 구매일로부터 14일 이내에 가능합니다. [2]")
                .doesNotContain("배송");
    }

    @Test
    void shouldKeepContextOrderAndCiteEachPassage_whenSeveralSentencesAreRelevant() {
        // given
        List<String> passages = List.of(
                "Express delivery to Germany takes two days.",
                "The weather was nice.",
                "Standard delivery to Germany takes five days.");

        // when
        String answer = OfflineExtractiveAnswerer.answer("How long does delivery to Germany take?", passages);

        // then
        assertThat(answer).isEqualTo("Express delivery to Germany takes two days. [1] Standard delivery to Germany takes five days. [3]");
    }

    @Test
    void shouldSayContextDoesNotHoldAnswer_whenNothingIsRelevant() {
        // when
        String english = OfflineExtractiveAnswerer.answer("Who won the football world cup in 1998?", LlmRequests.REFUND_CONTEXT);
        String korean = OfflineExtractiveAnswerer.answer("회사 대표의 이름은 무엇인가요?", List.of("배송은 보통 3일이 걸립니다."));
        String empty = OfflineExtractiveAnswerer.answer("What is the refund period?", List.of());

        // then
        assertThat(english).isEqualTo("The provided context does not contain the answer to this question.");
        assertThat(korean).isEqualTo("제공된 문맥에는 이 질문에 대한 답이 없습니다.");
        assertThat(empty).isEqualTo(english);
    }
}
