package io.streamrag.cli;

import io.streamrag.ingest.IngestApp;
import io.streamrag.ingest.IngestConfig;
import io.streamrag.ingest.Reindexer;
import io.streamrag.monitor.MonitorApp;
import io.streamrag.monitor.MonitorConfig;
import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.ops.LogContext;
import io.streamrag.platform.ops.OpsEndpoints;
import io.streamrag.platform.vector.VectorStore;
import io.streamrag.query.QueryApp;
import io.streamrag.query.QueryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * {@code streamrag run ingest|query|monitor}: one stream as its own process against a Kafka cluster, configured
 * by defaults, a properties file, the environment and {@code --set key=value} (last wins). Every bad key is
 * reported at once before anything starts. Each process serves {@code /health}, {@code /ready} and {@code /metrics}
 * ({@code ingest.http.port}, {@code query.http.port}; the monitor on its dashboard port) from its first second, and
 * stops gracefully on SIGTERM: the stream commits, leaves its group and closes within its timeout, then the
 * endpoints, the store and the model close.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one stream as its own process (the distributed form).")
final class RunCommand implements java.util.concurrent.Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    /** The ops endpoints listen on every interface: orchestrators and Prometheus probe from outside the container. */
    private static final String OPS_HOST = "0.0.0.0";

    enum Stream { INGEST, QUERY, MONITOR }

    @Parameters(index = "0", description = "ingest, query or monitor")
    Stream stream;

    @Option(names = "--config", description = "A properties file of configuration keys.")
    Path configFile;

    @Option(names = "--set", description = "key=value, overriding file and environment (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** The keys each stream reads: the one list for this command and for checks of deployment files. */
    static List<ConfigKey> keys(Stream stream) {
        return switch (stream) {
            case INGEST -> ConfigKey.union(IngestConfig.KEYS, VectorStores.KEYS, LogContext.KEYS);
            case QUERY -> ConfigKey.union(QueryConfig.KEYS, VectorStores.KEYS, LogContext.KEYS);
            case MONITOR -> ConfigKey.union(MonitorConfig.KEYS, LogContext.KEYS);
        };
    }

    @Override
    public Integer call() throws Exception {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean running = new AtomicBoolean(true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.set(false);
            synchronized (started) {
                if (!started.isEmpty()) {
                    LOG.info("streamrag run {}: stopping", name());
                }
            }
            closeAll(started);
            stopped.countDown();
        }, "streamrag-shutdown"));
        try {
            switch (stream) {
                case INGEST -> {
                    ConfigReader reader = reader(keys(Stream.INGEST));
                    LogFormat format = reader.choice(LogContext.FORMAT.name(), LogFormat.class);
                    IngestConfig config = IngestConfig.from(reader);
                    Supplier<VectorStore> store = VectorStores.from(reader);
                    reader.validate();
                    format.apply();
                    OpsEndpoints ops = push(started, OpsEndpoints.serve(OPS_HOST, config.httpPort()));
                    Embedder embedder = push(started, Embedders.create(config.embedding()));
                    IngestApp app = push(started, IngestApp.start(config, embedder, push(started, store.get())));
                    ops.watch(app.streams(), () -> true);
                    LOG.info("streamrag run ingest: started {}; /health, /ready and /metrics on port {}", config.applicationId(), ops.port());
                }
                case QUERY -> {
                    ConfigReader reader = reader(keys(Stream.QUERY));
                    LogFormat format = reader.choice(LogContext.FORMAT.name(), LogFormat.class);
                    QueryConfig config = QueryConfig.from(reader);
                    Supplier<VectorStore> storeFactory = VectorStores.from(reader);
                    boolean localIndex = VectorStores.isLocal(reader);
                    reader.validate();
                    format.apply();
                    // served before the model loads and the index is rebuilt: healthy while starting, ready only after
                    OpsEndpoints ops = push(started, OpsEndpoints.serve(OPS_HOST, config.httpPort()));
                    Embedder embedder = push(started, Embedders.create(config.embedding()));
                    VectorStore store = push(started, storeFactory.get());
                    if (localIndex) {
                        followChunkLog(reader, config, store, running);
                    }
                    QueryApp app = push(started, QueryApp.start(config, embedder, store));
                    ops.watch(app.streams(), () -> true);
                    LOG.info("streamrag run query: started {}; /health, /ready and /metrics on port {}", config.applicationId(), ops.port());
                }
                case MONITOR -> {
                    ConfigReader reader = reader(keys(Stream.MONITOR));
                    LogFormat format = reader.choice(LogContext.FORMAT.name(), LogFormat.class);
                    MonitorConfig config = MonitorConfig.from(reader);
                    reader.validate();
                    format.apply();
                    MonitorApp app = push(started, MonitorApp.start(config));
                    LOG.info("streamrag run monitor: dashboard, /health, /ready and /metrics at {}", app.url());
                }
            }
        } catch (RuntimeException e) {
            System.err.println("streamrag run " + name() + ": " + e.getMessage());
            closeAll(started);
            return 1;
        }
        stopped.await();
        return 0;
    }

    private String name() {
        return stream.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * A query instance on the embedded store keeps its own index: rebuilt from rag.chunk.embedded, then following
     * it, so new documents become searchable without a shared vector database. Waits for the rebuild before the
     * stream starts answering (and so before {@code /ready} says yes).
     */
    private static void followChunkLog(ConfigReader reader, QueryConfig config, VectorStore store, AtomicBoolean running)
            throws InterruptedException {
        Map<String, Object> clientProps = new HashMap<>(reader.settings().kafkaProperties());
        CountDownLatch caughtUp = new CountDownLatch(1);
        Reindexer reindexer = new Reindexer(clientProps, config.topics().chunkEmbedded(),
                warning -> LOG.warn("streamrag run query: {}", warning));
        Thread follower = Thread.ofPlatform().daemon().name("chunk-log-follower").start(
                () -> reindexer.follow(store, running::get, caughtUp::countDown));
        caughtUp.await();
        LOG.info("streamrag run query: local index caught up with {}{}", config.topics().chunkEmbedded(),
                follower.isAlive() ? "" : " (follower stopped)");
    }

    private ConfigReader reader(List<ConfigKey> keys) {
        return new ConfigReader(Settings.load(keys, configFile, System.getenv(), overrides));
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> started, T resource) {
        synchronized (started) {
            started.push(resource);
        }
        return resource;
    }

    /** Stops in reverse order of start: the stream first (it commits and leaves its group), the endpoints last. */
    private static void closeAll(Deque<AutoCloseable> started) {
        synchronized (started) {
            while (!started.isEmpty()) {
                try {
                    started.pop().close();
                } catch (Exception e) {
                    System.err.println("streamrag run: error while stopping: " + e.getMessage());
                }
            }
        }
    }
}
