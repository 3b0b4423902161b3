package io.streamrag.monitor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.kafka.TopicAdmin;
import io.streamrag.platform.ops.OpsEndpoints;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The monitor application: the monitor topology on Kafka Streams, and an HTTP server with the dashboard
 * ({@code /}, live updates on {@code /events}), {@code /api/metrics} (the whole picture across instances),
 * and the operations endpoints every stream process serves ({@link OpsEndpoints}: {@code /metrics} with the GenAI
 * meters, {@code /health}, {@code /ready}).
 */
public final class MonitorApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitorApp.class);

    private final MonitorConfig config;
    private final HttpServer server;
    private final ExecutorService httpThreads;
    private final KafkaStreams streams;
    private final PrometheusMeterRegistry registry;
    private final OpsEndpoints ops;
    private final MetricsQuery query;
    private final LatestAnswers answers;
    private final URI url;
    private final Path temporaryStateDir;
    private volatile boolean closed;

    private MonitorApp(MonitorConfig config) throws IOException {
        this.config = config;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.server = HttpServer.create(new InetSocketAddress(config.httpHost(), config.httpPort()), 64);
        int port = server.getAddress().getPort();
        String advertised = config.applicationServer().orElse("localhost:" + port);
        HostInfo self = HostInfo.buildFromEndpoint(advertised);
        String host = config.httpHost().equals("0.0.0.0") ? "127.0.0.1" : config.httpHost();
        this.url = URI.create("http://" + host + ":" + port + "/");

        MonitorSettings settings = config.settings().withObserver(new GenAiMeters(registry, config.settings().errorStatuses()))
                .withSourcePartitions(partitionsOf(config.kafka(), config.topics().telemetry()));
        Properties props = new Properties();
        props.putAll(config.kafka());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
        this.temporaryStateDir = config.stateDir().isEmpty() ? tempDir("streamrag-monitor-state") : null;
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().orElseGet(() -> temporaryStateDir.toString()));
        props.putIfAbsent(StreamsConfig.producerPrefix("linger.ms"), "5");
        props.putIfAbsent(StreamsConfig.producerPrefix("compression.type"), "lz4");
        this.streams = new KafkaStreams(MonitorTopology.build(config.topics(), settings), props);
        this.streams.setUncaughtExceptionHandler(e -> {
            LOG.error("monitor stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        this.query = new MetricsQuery(streams, self);
        this.answers = new LatestAnswers(config.kafka(), config.topics().telemetry(), config.latestAnswers());

        this.httpThreads = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(httpThreads);
        server.createContext("/", this::dashboard);
        server.createContext("/events", this::events);
        server.createContext("/api/metrics", this::apiMetrics);
        server.createContext("/api/local", this::apiLocal);
        this.ops = new OpsEndpoints(registry).watch(streams, () -> true);
        ops.install(server);
    }

    /** Creates the topics if missing, starts the stream and the HTTP server. */
    public static MonitorApp start(MonitorConfig config) {
        TopicAdmin.ensure(config.kafka(), config.topics().specs());
        try {
            MonitorApp app = new MonitorApp(config);
            app.streams.start();
            app.server.start();
            LOG.info("monitor dashboard at {} ({})", app.url, config);
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the monitor's HTTP server on port " + config.httpPort(), e);
        }
    }

    /** Starts from configuration values (defaults for the rest), e.g. for the embedded demo. */
    public static MonitorApp start(Map<String, String> values) {
        return start(MonitorConfig.from(new ConfigReader(Settings.of(MonitorConfig.KEYS, values))));
    }

    /** The dashboard's URL, with the port actually bound. */
    public URI url() {
        return url;
    }

    public KafkaStreams streams() {
        return streams;
    }

    private void dashboard(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/")) {
            OpsEndpoints.send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (InputStream page = MonitorApp.class.getResourceAsStream("dashboard.html")) {
            OpsEndpoints.send(exchange, 200, "text/html; charset=utf-8", page.readAllBytes());
        }
    }

    private String view(Map<String, String> params) {
        DimensionKey selected = new DimensionKey(params.getOrDefault("dimension", DimensionKey.OVERALL),
                params.getOrDefault("value", "all"));
        long now = System.currentTimeMillis();
        long windowMs = config.settings().window().toMillis();
        long minutes = Long.parseLong(params.getOrDefault("minutes", "30"));
        long from = Long.parseLong(params.getOrDefault("from", Long.toString(now - minutes * 60_000L - windowMs)));
        long to = Long.parseLong(params.getOrDefault("to", Long.toString(now + 3_600_000L)));
        return DashboardView.render(query.whole(from, to), selected, config.settings(), answers.latest(), now);
    }

    private void apiMetrics(HttpExchange exchange) throws IOException {
        try {
            OpsEndpoints.send(exchange, 200, "application/json", view(params(exchange)).getBytes(StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            OpsEndpoints.send(exchange, 400, "text/plain", ("bad parameter: " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
        }
    }

    private void apiLocal(HttpExchange exchange) throws IOException {
        Map<String, String> p = params(exchange);
        OpsEndpoints.send(exchange, 200, "application/octet-stream",
                query.local(Long.parseLong(p.getOrDefault("from", "0")), Long.parseLong(p.getOrDefault("to", Long.toString(Long.MAX_VALUE / 2)))));
    }

    /** Server-sent events: the dashboard's JSON for the requested filter, every refresh interval. */
    private void events(HttpExchange exchange) throws IOException {
        Map<String, String> params = params(exchange);
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(("retry: 2000\n\n").getBytes(StandardCharsets.UTF_8));
            while (!closed) {
                out.write(("event: metrics\ndata: " + view(params) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(config.dashboardRefreshMs());
            }
        } catch (IOException e) {
            // the browser went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("dashboard update failed: {}", e.toString());
        }
    }

    private static Map<String, String> params(HttpExchange exchange) {
        Map<String, String> params = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    /** The telemetry topic's partition count: the merge waits for a watermark from each. */
    private static int partitionsOf(Map<String, Object> kafka, String topic) {
        try (Admin admin = Admin.create(kafka)) {
            return admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the partitions of " + topic + ": " + e.getMessage(), e);
        }
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        httpThreads.shutdownNow();
        answers.close();
        // leave the group: the other instances take the partitions over at once, not after the session timeout
        streams.close(org.apache.kafka.streams.CloseOptions.timeout(java.time.Duration.ofSeconds(30))
                .withGroupMembershipOperation(org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        ops.close();
        registry.close();
        try {
            httpThreads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (temporaryStateDir != null) {
            try (var files = Files.walk(temporaryStateDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                LOG.debug("could not remove {}: {}", temporaryStateDir, e.toString());
            }
        }
    }
}
