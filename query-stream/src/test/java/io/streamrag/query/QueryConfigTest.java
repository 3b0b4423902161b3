package io.streamrag.query;

import io.streamrag.platform.config.ConfigException;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.query.llm.LlmConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryConfigTest {

    private static QueryConfig load(Map<String, String> values) {
        ConfigReader reader = new ConfigReader(Settings.of(QueryConfig.KEYS, values));
        QueryConfig config = QueryConfig.from(reader);
        reader.validate();
        return config;
    }

    @Test
    void shouldUseTheDocumentedDefaults_andTheOfflineAnswererWithoutAKey() {
        // when
        QueryConfig config = load(Map.of());

        // then
        assertThat(config.settings().maxInFlight()).isEqualTo(256);
        assertThat(config.settings().defaultTemplate()).isEqualTo("rag-qa");
        assertThat(config.settings().defaultTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.settings().tenantFairness()).isTrue();
        assertThat(config.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(config.llm().provider()).isEqualTo(LlmConfig.Provider.OFFLINE);
        assertThat(config.topics().queryRequested()).isEqualTo("rag.query.requested");
    }

    @Test
    void shouldReportEveryBadKeyAtOnce() {
        assertThatThrownBy(() -> load(Map.of("query.max.in.flight", "0", "query.retrieval.k", "many",
                "query.processing.guarantee", "maybe")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("query.max.in.flight").hasMessageContaining("query.retrieval.k")
                .hasMessageContaining("query.processing.guarantee");
    }

    @Test
    void shouldNeverPrintTheApiKey() {
        QueryConfig config = load(Map.of("mistral.api.key", "sk-very-secret", "llm.provider", "mistral"));
        assertThat(config.toString()).doesNotContain("sk-very-secret");
    }
}
