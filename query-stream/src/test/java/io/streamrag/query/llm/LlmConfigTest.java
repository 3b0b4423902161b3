package io.streamrag.query.llm;

import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.embedding.EmbeddingConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LlmConfigTest {

    private static ConfigReader reader(Map<String, String> values) {
        List<ConfigKey> keys = new ArrayList<>(LlmConfig.KEYS);
        keys.addAll(EmbeddingConfig.KEYS);
        return new ConfigReader(Settings.of(keys, values));
    }

    @Test
    void shouldChooseOffline_whenNoProviderIsConfigured() {
        // when
        LlmConfig config = LlmConfig.from(reader(Map.of()));

        // then
        assertThat(config.provider()).isEqualTo(LlmConfig.Provider.OFFLINE);
        assertThat(config.model()).isEqualTo("extractive-v1");
        try (LlmClient client = LlmClients.create(config)) {
            assertThat(client.provider()).isEqualTo("offline-extractive");
        }
    }

    @Test
    void shouldChooseMistral_whenItsKeyIsSet() {
        // given
        ConfigReader reader = reader(Map.of("mistral.api.key", "sk-secret-123", "llm.openai.base.url", "http://localhost:8000/v1"));

        // when
        LlmConfig config = LlmConfig.from(reader);
        reader.validate();

        // then
        assertThat(config.provider()).isEqualTo(LlmConfig.Provider.MISTRAL);
        assertThat(config.model()).isEqualTo("mistral-small-latest");
        assertThat(config.fallbackProvider()).contains(LlmConfig.Provider.OFFLINE);
        try (LlmClient client = LlmClients.create(config)) {
            assertThat(client).isInstanceOf(ResilientLlmClient.class);
            assertThat(client.provider()).isEqualTo("mistral");
        }
    }

    @Test
    void shouldChooseOpenAiCompatible_whenOnlyItsUrlIsSet() {
        // given
        ConfigReader reader = reader(Map.of("llm.openai.base.url", "http://localhost:11434/v1", "llm.model", "llama3.2"));

        // when
        LlmConfig config = LlmConfig.from(reader);
        reader.validate();

        // then
        assertThat(config.provider()).isEqualTo(LlmConfig.Provider.OPENAI);
        assertThat(config.model()).isEqualTo("llama3.2");
    }

    @Test
    void shouldReportEveryProblemAtOnce_whenSettingsAreWrong() {
        // given
        ConfigReader reader = reader(Map.of("llm.provider", "mistral", "llm.max.retries", "-1", "llm.prices", "m:abc/1",
                "llm.fallback.provider", "openai"));

        // when
        LlmConfig.from(reader);

        // then
        assertThat(reader.problems()).hasSize(4).anySatisfy(p -> assertThat(p).contains("mistral.api.key"))
                .anySatisfy(p -> assertThat(p).contains("llm.openai.base.url"))
                .anySatisfy(p -> assertThat(p).contains("llm.max.retries"))
                .anySatisfy(p -> assertThat(p).contains("llm.prices"));
    }

    @Test
    void shouldNeverPrintSecrets_whenConfigIsShown() {
        // given
        LlmConfig config = LlmConfig.from(reader(Map.of("mistral.api.key", "sk-secret-123", "llm.openai.api.key", "oa-secret-456")));

        // when
        String shown = config.toString();

        // then
        assertThat(shown).doesNotContain("sk-secret-123").doesNotContain("oa-secret-456").contains("****");
        assertThat(LlmConfig.KEYS).filteredOn(k -> k.name().equals("llm.openai.api.key")).allMatch(ConfigKey::secret);
    }

    @Test
    void shouldPriceCallsFromTable_whenModelIsListed() {
        // given
        LlmConfig config = LlmConfig.from(reader(Map.of("llm.prices", "mistral-small-latest:0.2/0.6, my-model:1/2")));

        // when
        double small = config.costs().costUsd("mistral-small-latest", 1_000_000, 500_000);
        double unknown = config.costs().costUsd("unknown-model", 1000, 1000);

        // then
        assertThat(small).isCloseTo(0.5, within(1e-9));
        assertThat(unknown).isZero();
        assertThat(config.costs().isPriced("unknown-model")).isFalse();
        assertThat(CostCalculator.parse(CostCalculator.DEFAULT_PRICES).costUsd("extractive-v1", 1000, 1000)).isZero();
    }
}
