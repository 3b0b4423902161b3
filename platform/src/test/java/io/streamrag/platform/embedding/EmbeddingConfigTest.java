package io.streamrag.platform.embedding;

import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.embedding.EmbeddingConfig.Precision;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which in-process MiniLM weights the configuration chooses, and what the vectors are then called. */
class EmbeddingConfigTest {

    @Test
    void shouldRunTheInt8MiniLm_whenNoPrecisionIsConfigured() {
        // given
        EmbeddingConfig config = EmbeddingConfig.from(reader(Map.of()));

        // when / then
        assertThat(config.miniLmPrecision()).isEqualTo(Precision.INT8);
        try (Embedder embedder = Embedders.create(config)) {
            assertThat(embedder.modelName()).isEqualTo("all-minilm-l6-v2-q");
        }
    }

    @Test
    void shouldRunTheFp32MiniLm_whenFp32IsConfigured() {
        // given
        EmbeddingConfig config = EmbeddingConfig.from(reader(Map.of("embedding.minilm.precision", "fp32")));

        // when / then
        assertThat(config.miniLmPrecision()).isEqualTo(Precision.FP32);
        try (Embedder embedder = Embedders.create(config)) {
            assertThat(embedder.modelName()).isEqualTo("all-minilm-l6-v2");
            assertThat(embedder.embed("The printer needs new toner.")).hasSize(384);
        }
    }

    @Test
    void shouldReportTheKeyAndItsChoices_whenThePrecisionIsUnknown() {
        // given
        ConfigReader reader = reader(Map.of("embedding.minilm.precision", "fp16"));

        // when
        EmbeddingConfig.from(reader);

        // then
        assertThat(reader.problems()).singleElement().asString()
                .contains("embedding.minilm.precision", "EMBEDDING_MINILM_PRECISION", "int8", "fp32", "fp16");
    }

    private static ConfigReader reader(Map<String, String> values) {
        return new ConfigReader(Settings.of(EmbeddingConfig.KEYS, values));
    }
}
