package io.streamrag.platform.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SentencesTest {

    @Test
    void shouldSplitEnglishWithoutBreakingAbbreviationsOrDecimals() {
        assertThat(Sentences.split("Dr. Smith paid 3.5 dollars. It rained! Did it stop?"))
                .containsExactly("Dr. Smith paid 3.5 dollars.", "It rained!", "Did it stop?");
    }

    @Test
    void shouldSplitKoreanSentences_evenWithoutASpaceAfterThePeriod() {
        assertThat(Sentences.split("서울은 한국의 수도입니다. 인구는 약 940만 명입니다.부산은 항구 도시예요."))
                .containsExactly("서울은 한국의 수도입니다.", "인구는 약 940만 명입니다.", "부산은 항구 도시예요.");
    }

    @Test
    void shouldSplitKoreanSentences_whenTheNextOneStartsWithANumber() {
        assertThat(Sentences.split("환불은 30일 이내에 신청할 수 있습니다. 30일이 지나면 환불되지 않습니다."))
                .containsExactly("환불은 30일 이내에 신청할 수 있습니다.", "30일이 지나면 환불되지 않습니다.");
    }

    @Test
    void shouldKeepHeadingsAndListItemsApart() {
        assertThat(Sentences.split("# Refunds\n\nRefunds take 5 days\n- by card\n- by bank transfer"))
                .containsExactly("# Refunds", "Refunds take 5 days", "- by card", "- by bank transfer");
    }

    @Test
    void shouldEstimateTokensForLatinAndHangul() {
        assertThat(Tokens.estimate("abcdefgh")).isEqualTo(2);
        assertThat(Tokens.estimate("안녕하세요")).isEqualTo(5);
        assertThat(Languages.detect("환불은 며칠 걸리나요?")).isEqualTo("ko");
        assertThat(Languages.detect("How long do refunds take?")).isEqualTo("en");
    }
}
