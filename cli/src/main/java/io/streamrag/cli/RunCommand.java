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
import io.streamrag.platform.vector.VectorStore;
import io.streamrag.query.QueryApp;
import io.streamrag.query.QueryConfig;
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
 * reported at once before anything starts.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one stream as its own process (the distributed form).")
final class RunCommand implements java.util.concurrent.Callable<Integer> {

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
            case INGEST -> ConfigKey.union(IngestConfig.KEYS, VectorStores.KEYS);
            case QUERY -> ConfigKey.union(QueryConfig.KEYS, VectorStores.KEYS);
            case MONITOR -> MonitorConfig.KEYS;
        };
    }

    @Override
    public Integer call() throws Exception {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean running = new AtomicBoolean(true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.set(false);
            closeAll(started);
            stopped.countDown();
        }, "streamrag-shutdown"));
        try {
            switch (stream) {
                case INGEST -> {
                    ConfigReader reader = reader(keys(Stream.INGEST));
                    IngestConfig config = IngestConfig.from(reader);
                    Supplier<VectorStore> store = VectorStores.from(reader);
                    reader.validate();
                    Embedder embedder = push(started, Embedders.create(config.embedding()));
                    push(started, IngestApp.start(config, embedder, push(started, store.get())));
                    System.err.println("streamrag run ingest: started " + config.applicationId());
                }
                case QUERY -> {
                    ConfigReader reader = reader(keys(Stream.QUERY));
                    QueryConfig config = QueryConfig.from(reader);
                    Supplier<VectorStore> storeFactory = VectorStores.from(reader);
                    boolean localIndex = VectorStores.isLocal(reader);
                    reader.validate();
                    Embedder embedder = push(started, Embedders.create(config.embedding()));
                    VectorStore store = push(started, storeFactory.get());
                    if (localIndex) {
                        followChunkLog(reader, config, store, running);
                    }
                    push(started, QueryApp.start(config, embedder, store));
                    System.err.println("streamrag run query: started");
                }
                case MONITOR -> {
                    ConfigReader reader = reader(keys(Stream.MONITOR));
                    MonitorConfig config = MonitorConfig.from(reader);
                    reader.validate();
                    MonitorApp app = push(started, MonitorApp.start(config));
                    System.err.println("streamrag run monitor: dashboard at " + app.url());
                }
            }
        } catch (RuntimeException e) {
            System.err.println("streamrag run " + stream.name().toLowerCase() + ": " + e.getMessage());
            closeAll(started);
            return 1;
        }
        stopped.await();
        return 0;
    }

    /**
     * A query instance on the embedded store keeps its own index: rebuilt from rag.chunk.embedded, then following
     * it, so new documents become searchable without a shared vector database. Waits for the rebuild before the
     * stream starts answering.
     */
    private static void followChunkLog(ConfigReader reader, QueryConfig config, VectorStore store, AtomicBoolean running)
            throws InterruptedException {
        Map<String, Object> clientProps = new HashMap<>(reader.settings().kafkaProperties());
        CountDownLatch caughtUp = new CountDownLatch(1);
        Reindexer reindexer = new Reindexer(clientProps, config.topics().chunkEmbedded(),
                warning -> System.err.println("streamrag run query: " + warning));
        Thread follower = Thread.ofPlatform().daemon().name("chunk-log-follower").start(
                () -> reindexer.follow(store, running::get, caughtUp::countDown));
        caughtUp.await();
        System.err.println("streamrag run query: local index caught up with " + config.topics().chunkEmbedded()
                + (follower.isAlive() ? "" : " (follower stopped)"));
    }

    private ConfigReader reader(List<ConfigKey> keys) {
        return new ConfigReader(Settings.load(keys, configFile, System.getenv(), overrides));
    }


    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> started, T resource) {
        started.push(resource);
        return resource;
    }

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
