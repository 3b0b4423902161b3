package io.streamrag.vectorstore.weaviate;

import io.weaviate.client.Config;
import io.weaviate.client.WeaviateClient;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gives each contract test its own class on a real server (the contract wants a fresh, empty store per test)
 * and drops those classes afterwards, so a shared server keeps nothing from a test run.
 */
final class ContractClasses {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final URI url;
    private final Optional<String> apiKey;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final List<String> created = new ArrayList<>();

    ContractClasses(URI url, Optional<String> apiKey) {
        this.url = url;
        this.apiKey = apiKey;
    }

    WeaviateVectorStore newStore() {
        String className = "StreamRagContract" + runId + "N" + SEQUENCE.incrementAndGet();
        created.add(className);
        return WeaviateVectorStore.connect(new WeaviateConfig(url, apiKey, className, 100, 30_000, 0.5, "word", 2));
    }

    void dropAll() {
        Map<String, String> headers = new HashMap<>();
        apiKey.ifPresent(k -> headers.put("Authorization", "Bearer " + k));
        String host = url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
        WeaviateClient client = new WeaviateClient(new Config(url.getScheme(), host, headers, 30, 30, 30));
        created.forEach(name -> client.schema().classDeleter().withClassName(name).run());
        created.clear();
    }
}
