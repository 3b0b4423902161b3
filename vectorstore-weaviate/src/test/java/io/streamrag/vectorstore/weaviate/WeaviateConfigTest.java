package io.streamrag.vectorstore.weaviate;

import io.streamrag.platform.config.ConfigException;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WeaviateConfigTest {

    private static WeaviateConfig read(Map<String, String> values) {
        ConfigReader reader = new ConfigReader(Settings.of(WeaviateConfig.KEYS, values));
        WeaviateConfig config = WeaviateConfig.from(reader);
        reader.validate();
        return config;
    }

    @Test
    void shouldUseDefaults_whenNothingIsSet() {
        // when
        WeaviateConfig config = read(Map.of());

        // then
        assertThat(config.url()).isEqualTo(URI.create("http://localhost:8080"));
        assertThat(config.className()).isEqualTo("StreamRagChunk");
        assertThat(config.apiKey()).isEmpty();
        assertThat(config.batchSize()).isEqualTo(100);
        assertThat(config.hybridAlpha()).isEqualTo(0.5);
        assertThat(config.hostAndPort()).isEqualTo("localhost:8080");
    }

    @Test
    void shouldMaskApiKey_whenPrinted() {
        // when
        WeaviateConfig config = read(Map.of("vectorstore.weaviate.api.key", "wv-123-secret",
                "vectorstore.weaviate.url", "https://cluster.example.net"));

        // then
        assertThat(config.apiKey()).contains("wv-123-secret");
        assertThat(config.hostAndPort()).isEqualTo("cluster.example.net");
        assertThat(config.toString()).doesNotContain("wv-123-secret").contains("apiKey=****");
    }

    @Test
    void shouldReportEveryBadKeyAtOnce() {
        // when / then
        assertThatThrownBy(() -> read(Map.of(
                "vectorstore.weaviate.url", "localhost:8080/v1",
                "vectorstore.weaviate.class", "chunks",
                "vectorstore.weaviate.batch.size", "0",
                "vectorstore.weaviate.hybrid.alpha", "1.5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("vectorstore.weaviate.url")
                .hasMessageContaining("vectorstore.weaviate.class")
                .hasMessageContaining("vectorstore.weaviate.batch.size")
                .hasMessageContaining("vectorstore.weaviate.hybrid.alpha");
    }
}
