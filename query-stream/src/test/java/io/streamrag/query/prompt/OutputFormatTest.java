package io.streamrag.query.prompt;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutputFormatTest {

    private final OutputFormat sentiment = OutputFormat.of(List.of("감정 (긍정적|중립적|부정적)", "강도 (1-5)", "설명"));

    @Test
    void shouldParseFieldLines_evenWithMarkdownBulletsAndFullWidthColons() {
        // when
        OutputFormat.Parsed parsed = sentiment.parse("분석 결과입니다.\n- **감정**: 부정적입니다\n강도：4점\n설명: 불만을 강하게 표현했습니다.");

        // then
        assertThat(parsed.valid()).isTrue();
        assertThat(parsed.values()).containsEntry("감정", "부정적").containsEntry("강도", "4")
                .containsEntry("설명", "불만을 강하게 표현했습니다.");
    }

    @Test
    void shouldReportEveryProblem_whenFieldsAreMissingOrOutOfRange() {
        // when
        OutputFormat.Parsed parsed = sentiment.parse("감정: 화남\n강도: 7");

        // then
        assertThat(parsed.valid()).isFalse();
        assertThat(parsed.problems()).hasSize(3);
        assertThat(String.join(" ", parsed.problems())).contains("'감정' is '화남'").contains("expected 1-5").contains("'설명' is missing");
    }

    @Test
    void shouldDescribeTheExpectedLines() {
        assertThat(sentiment.skeleton()).isEqualTo("감정: 긍정적|중립적|부정적\n강도: 1-5\n설명: ...");
        assertThat(OutputFormat.of(List.of()).structured()).isFalse();
    }

    @Test
    void shouldRejectAFieldWithAnEmptyRange() {
        assertThatThrownBy(() -> OutputFormat.of(List.of("score (5-1)"))).hasMessageContaining("empty range");
    }
}
