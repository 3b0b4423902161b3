package io.streamrag.cli;

import io.streamrag.kafka.embedded.EmbeddedKafkaBroker;
import io.streamrag.platform.kafka.TopicAdmin;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.platform.auth.DemoSecret;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.vector.VectorStore;
import io.streamrag.query.QueryApp;
import io.streamrag.query.QueryConfig;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * The embedded form: a KRaft broker in this JVM, the platform's topics, and (as they are started) the streams.
 * Closing stops everything in reverse order.
 */
final class DemoRuntime implements AutoCloseable {

    record Options(Path dataDir, int brokerPort, int httpPort) {
    }

    private final EmbeddedKafkaBroker broker;
    private final String dashboardUrl;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    private DemoRuntime(EmbeddedKafkaBroker broker, String dashboardUrl) {
        this.broker = broker;
        this.dashboardUrl = dashboardUrl;
    }

    static DemoRuntime start(Options options) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(options.dataDir().resolve("kafka"), options.brokerPort(), false, Map.of());
        Topics topics = Topics.defaults();
        TopicAdmin.ensure(Map.of("bootstrap.servers", broker.bootstrapServers()), topics.specs());
        return new DemoRuntime(broker, "http://127.0.0.1:" + options.httpPort() + "/");
    }

    /**
     * Starts the query stream on the demo's store and embedder with the LLM from the environment: Mistral when
     * MISTRAL_API_KEY is set, an OpenAI-compatible server when LLM_OPENAI_BASE_URL is, else the offline extractive
     * answerer (labelled offline-extractive in every answer).
     */
    void startQueryStream(Embedder embedder, VectorStore store, Path dataDir) {
        // Any tenant name works: its key is derived from the demo secret, which `streamrag ask` finds and signs with.
        Path secret = DemoSecret.defaultPath();
        DemoSecret.loadOrCreate(secret);
        resources.push(QueryApp.start(QueryConfig.load(Map.of("kafka.bootstrap.servers", bootstrapServers(),
                "query.state.dir", dataDir.resolve("query-state").toString(),
                "auth.demo.secret.file", secret.toString())), embedder, store));
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    String dashboardUrl() {
        return dashboardUrl;
    }

    @Override
    public synchronized void close() {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                System.err.println("streamrag demo: error while stopping: " + e.getMessage());
            }
        }
        broker.close();
    }
}
