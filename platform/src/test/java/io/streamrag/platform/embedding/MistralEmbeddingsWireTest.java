package io.streamrag.platform.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mistral-embed adapter against a local server speaking Mistral's embeddings wire format
 * ({@code POST /v1/embeddings} with {@code "input": [...]}): batching is ours, vectors come back in order.
 */
class MistralEmbeddingsWireTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/embeddings", exchange -> {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            requests.add(request);
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            // each vector encodes the length of its input, so order and mapping can be checked
            List<Map<String, Object>> data = new ArrayList<>();
            for (int i = 0; i < request.get("input").size(); i++) {
                int length = request.get("input").get(i).asText().length();
                data.add(Map.of("object", "embedding", "index", i, "embedding", List.of((double) length, 1.0, 0.0)));
            }
            byte[] body = JSON.writeValueAsBytes(Map.of("id", "e1", "object", "list", "model", "mistral-embed",
                    "data", data, "usage", Map.of("prompt_tokens", 10, "total_tokens", 10)));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void shouldEmbedInBatchesOfTheConfiguredSize_keepingTheOrderOfTexts() {
        // given
        String baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        EmbeddingConfig config = EmbeddingConfig.from(new ConfigReader(Settings.of(EmbeddingConfig.KEYS, Map.of(
                "embedding.provider", "mistral", "embedding.batch.size", "16",
                "mistral.api.key", "test-key-123", "mistral.base.url", baseUrl))));
        List<String> texts = IntStream.range(1, 41).mapToObj("x"::repeat).toList();

        // when
        List<float[]> vectors;
        try (Embedder embedder = Embedders.create(config)) {
            vectors = embedder.embedAll(texts);
            assertThat(embedder.modelName()).isEqualTo("mistral-embed");
        }

        // then
        assertThat(requests).hasSize(3);
        assertThat(requests).extracting(r -> r.get("input").size()).containsExactly(16, 16, 8);
        assertThat(requests).allSatisfy(r -> assertThat(r.get("model").asText()).isEqualTo("mistral-embed"));
        assertThat(authorizations).containsOnly("Bearer test-key-123");
        assertThat(vectors).hasSize(40);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(vectors.get(i)[0]).isEqualTo((float) texts.get(i).length());
        }
        assertThat(config.toString()).doesNotContain("test-key-123");
    }
}
