package io.streamrag.cli;

import io.streamrag.events.DocumentSubmitted;
import io.streamrag.ingest.IngestApp;
import io.streamrag.kafka.embedded.EmbeddedKafkaBroker;
import io.streamrag.monitor.MonitorApp;
import io.streamrag.platform.auth.DemoSecret;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.kafka.TopicAdmin;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.platform.vector.VectorStore;
import io.streamrag.query.QueryApp;
import io.streamrag.query.QueryConfig;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The embedded form: a KRaft broker in this JVM, the platform's topics, the Lucene store, the embedding model and
 * the streams, then the bundled samples. Each started part is pushed on {@code resources}; closing stops them in
 * reverse order, the broker last. A stream is added with one line in {@link #start}.
 */
final class DemoRuntime implements AutoCloseable {

    record Options(Path dataDir, int brokerPort, int httpPort) {
    }

    private static final Duration SAMPLES_TIMEOUT = Duration.ofSeconds(45);

    private final EmbeddedKafkaBroker broker;
    private final Path dataDir;
    private String dashboardUrl;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private VectorStore store;
    private Embedder embedder;
    private List<DocumentSubmitter.Outcome> samples = List.of();

    private DemoRuntime(EmbeddedKafkaBroker broker, Path dataDir, String dashboardUrl) {
        this.broker = broker;
        this.dataDir = dataDir;
        this.dashboardUrl = dashboardUrl;
    }

    static DemoRuntime start(Options options) {
        Path dataDir = options.dataDir();
        // the model loads (seconds of CPU) while the broker starts (mostly waiting)
        CompletableFuture<Embedder> model = CompletableFuture.supplyAsync(
                () -> Embedders.create(config(dataDir, "localhost:0").ingest().embedding()));
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), options.brokerPort(), false, Map.of());
        } catch (RuntimeException e) {
            model.thenAccept(Embedder::close);
            throw e;
        }
        DemoRuntime runtime = new DemoRuntime(broker, dataDir, "http://127.0.0.1:" + options.httpPort() + "/");
        try {
            runtime.embedder = runtime.started(model.join());
            Topics topics = Topics.defaults();
            TopicAdmin.ensure(Map.of("bootstrap.servers", broker.bootstrapServers()), topics.specs());
            EmbeddedConfig config = config(dataDir, broker.bootstrapServers());
            runtime.store = runtime.started(LuceneVectorStore.open(dataDir.resolve("index"), config.lucene()));
            runtime.started(IngestApp.start(config.ingest(), runtime.embedder, runtime.store));
            // Any tenant name works: its key is derived from the demo secret, which `streamrag ask` finds and signs with.
            Path secret = DemoSecret.defaultPath();
            DemoSecret.loadOrCreate(secret);
            runtime.started(QueryApp.start(QueryConfig.load(Map.of(
                    "kafka.bootstrap.servers", broker.bootstrapServers(),
                    "query.state.dir", dataDir.resolve("query-state").toString(),
                    "auth.demo.secret.file", secret.toString(),
                    "kafka.session.timeout.ms", "6000")), runtime.embedder, runtime.store));
            MonitorApp monitor = runtime.started(MonitorApp.start(Map.of(
                    "kafka.bootstrap.servers", broker.bootstrapServers(),
                    "monitor.http.port", Integer.toString(options.httpPort()),
                    "monitor.state.dir", dataDir.resolve("monitor-state").toString(),
                    "kafka.session.timeout.ms", "6000")));
            runtime.dashboardUrl = monitor.url().toString();
            runtime.samples = runtime.ingestSamples(topics);
            DemoBootstrap.write(dataDir, broker.bootstrapServers());
            runtime.resources.push(() -> DemoBootstrap.forget(dataDir));
            return runtime;
        } catch (RuntimeException e) {
            if (runtime.embedder == null) {
                model.thenAccept(Embedder::close);
            }
            runtime.close();
            throw e;
        }
    }

    /** Defaults, the environment (INGEST_*, EMBEDDING_*, VECTORSTORE_LUCENE_*, ...), then the demo's own broker and folders. */
    private static EmbeddedConfig config(Path dataDir, String bootstrapServers) {
        return EmbeddedConfig.load(Map.of(
                "kafka.bootstrap.servers", bootstrapServers,
                "ingest.state.dir", dataDir.resolve("streams").toString(),
                // a restarted demo rejoins its stream's group: the previous run's member is waited for only this long
                // (the broker's minimum) instead of the 45 s default, so READY stays well under a minute
                "kafka.session.timeout.ms", "6000"));
    }

    /** Produces the bundled samples and waits for each outcome, so READY means they are searchable. */
    private List<DocumentSubmitter.Outcome> ingestSamples(Topics topics) {
        List<DocumentSubmitted> docs = SampleDocuments.load();
        try (DocumentSubmitter submitter = new DocumentSubmitter(broker.bootstrapServers(), topics)) {
            List<DocumentSubmitter.Outcome> outcomes = submitter.await(submitter.sendAll(docs), SAMPLES_TIMEOUT);
            List<DocumentSubmitter.Outcome> failed = outcomes.stream().filter(o -> !o.ok()).toList();
            if (!failed.isEmpty()) {
                throw new IllegalStateException("sample documents were not ingested: " + failed.stream()
                        .map(o -> o.submission().key() + " " + o.status() + " " + o.reason()).toList());
            }
            return outcomes;
        }
    }

    private <T extends AutoCloseable> T started(T resource) {
        resources.push(resource);
        return resource;
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    String dashboardUrl() {
        return dashboardUrl;
    }

    VectorStore store() {
        return store;
    }

    Embedder embedder() {
        return embedder;
    }

    /** What the stream made of each bundled sample on this start (INDEXED, or UNCHANGED on a rerun). */
    List<DocumentSubmitter.Outcome> samples() {
        return samples;
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
