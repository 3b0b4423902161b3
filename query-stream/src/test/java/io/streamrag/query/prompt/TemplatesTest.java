package io.streamrag.query.prompt;

import io.streamrag.events.PromptTemplate;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplatesTest {

    private static PromptTemplate version(int version, double share) {
        return PromptTemplate.newBuilder(BundledTemplates.versionsOf("rag-qa").getFirst()).setVersion(version).setTrafficShare(share).build();
    }

    @Test
    void shouldShipRagQaAndSentimentKo() {
        assertThat(BundledTemplates.all()).extracting(TemplateJson::key).containsExactly("rag-qa@1", "sentiment-ko@1");
        assertThat(BundledTemplates.versionsOf("sentiment-ko").getFirst().getOutputFields())
                .containsExactly("감정 (긍정적|중립적|부정적)", "강도 (1-5)", "설명");
    }

    @Test
    void shouldRoundTripTemplatesThroughJson() {
        for (PromptTemplate t : BundledTemplates.all()) {
            PromptTemplate again = TemplateJson.parse(TemplateJson.write(t));
            again.setHeader(t.getHeader());
            assertThat(again).isEqualTo(t);
        }
    }

    @Test
    void shouldListEveryProblem_whenATemplateFileIsInvalid() {
        assertThatThrownBy(() -> TemplateJson.parse("{\"templateId\": \"bad id\", \"version\": 0, \"trafficShare\": 2}"))
                .hasMessageContaining("templateId may hold only").hasMessageContaining("version must be")
                .hasMessageContaining("trafficShare").hasMessageContaining("instruction is required")
                .hasMessageContaining("outputIndicator is required");
    }

    @Test
    void shouldGiveTheCanaryItsShareAndKeepEachKeyOnOneVersion() {
        // given: v1 stable, v2 at 20%
        List<PromptTemplate> versions = List.of(version(1, 1.0), version(2, 0.2));

        // when
        int canary = 0;
        for (int i = 0; i < 2000; i++) {
            String key = "request-" + i;
            int chosen = TemplateSelector.choose(versions, key).orElseThrow().getVersion();
            assertThat(TemplateSelector.choose(versions, key).orElseThrow().getVersion()).isEqualTo(chosen);
            canary += chosen == 2 ? 1 : 0;
        }

        // then
        assertThat(canary).isBetween(320, 480);
    }

    @Test
    void shouldServeTheNewestStableVersion_whenNoCanaryIsActive() {
        assertThat(TemplateSelector.choose(List.of(version(1, 1.0), version(3, 1.0), version(2, 1.0)), "k").orElseThrow().getVersion())
                .isEqualTo(3);
        assertThat(TemplateSelector.choose(List.of(), "k")).isEmpty();
    }
}
