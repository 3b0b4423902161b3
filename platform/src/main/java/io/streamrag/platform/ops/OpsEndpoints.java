package io.streamrag.platform.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamrag.platform.config.ConfigKey;
import org.apache.kafka.streams.KafkaStreams;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operations endpoints every stream process serves, on its own port or on an HTTP server the application
 * already runs:
 * <ul>
 *   <li>{@code /health}: 200 while the process can still make progress (also while it is starting); 503 once its
 *       Kafka Streams client failed, stopped or is shutting down, so an orchestrator restarts it;</li>
 *   <li>{@code /ready}: 200 only when the stream is RUNNING and the application says it can serve (for example a
 *       query instance's local index has caught up with the chunk log); 503 before and during a rebalance;</li>
 *   <li>{@code /metrics}: Prometheus text: the application's meters, the Kafka Streams client metrics (consumer,
 *       producer, stream threads, tasks, state stores) and the JVM's.</li>
 * </ul>
 * The stream is attached with {@link #watch} once it exists, so the endpoints answer from the first second of a
 * process, before the embedding model is loaded or the index is rebuilt.
 */
public final class OpsEndpoints implements AutoCloseable {

    private static final Set<KafkaStreams.State> DEAD = Set.of(KafkaStreams.State.ERROR, KafkaStreams.State.PENDING_ERROR,
            KafkaStreams.State.NOT_RUNNING, KafkaStreams.State.PENDING_SHUTDOWN);

    private final PrometheusMeterRegistry registry;
    private final boolean ownsRegistry;
    private final Deque<AutoCloseable> binders = new ArrayDeque<>();
    private volatile KafkaStreams streams;
    private volatile BooleanSupplier ready = () -> false;
    private HttpServer server;
    private ExecutorService threads;

    /** Endpoints publishing into the given registry (the application's own meters live there too). */
    public OpsEndpoints(PrometheusMeterRegistry registry) {
        this(registry, false);
    }

    private OpsEndpoints(PrometheusMeterRegistry registry, boolean ownsRegistry) {
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
        for (MeterBinder binder : new MeterBinder[]{new ClassLoaderMetrics(), new JvmMemoryMetrics(), new JvmThreadMetrics(),
                new ProcessorMetrics(), new UptimeMetrics()}) {
            binder.bindTo(registry);
        }
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.push(gc);
    }

    /** The port key of a stream process, e.g. {@code query.http.port}: same meaning as {@code monitor.http.port}. */
    public static ConfigKey portKey(String application, int defaultPort) {
        return ConfigKey.of(application + ".http.port", Integer.toString(defaultPort),
                "Port of /health, /ready and /metrics (Prometheus) of `streamrag run " + application + "`; 0 picks a free one.");
    }

    /**
     * Serves the endpoints on their own HTTP server, with a registry of their own.
     *
     * @param port 0 picks a free port ({@link #port()} tells which)
     */
    public static OpsEndpoints serve(String host, int port) {
        OpsEndpoints endpoints = new OpsEndpoints(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
        try {
            endpoints.server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            endpoints.close();
            throw new UncheckedIOException("cannot serve /health, /ready and /metrics on " + host + ":" + port, e);
        }
        endpoints.threads = Executors.newVirtualThreadPerTaskExecutor();
        endpoints.server.setExecutor(endpoints.threads);
        endpoints.install(endpoints.server);
        endpoints.server.start();
        return endpoints;
    }

    /** Adds {@code /health}, {@code /ready} and {@code /metrics} to an HTTP server the application runs. */
    public void install(HttpServer target) {
        target.createContext("/health", exchange -> status(exchange, healthy()));
        target.createContext("/ready", exchange -> status(exchange, ready()));
        target.createContext("/metrics", exchange -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Attaches the stream: health and readiness follow its state from now on, and its client metrics are published.
     *
     * @param appReady the application's own readiness on top of RUNNING
     */
    public synchronized OpsEndpoints watch(KafkaStreams kafkaStreams, BooleanSupplier appReady) {
        if (this.streams != null) {
            throw new IllegalStateException("these endpoints already watch a stream");
        }
        KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(kafkaStreams);
        metrics.bindTo(registry);
        binders.push(metrics);
        this.ready = appReady;
        this.streams = kafkaStreams;
        return this;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The bound port of the server {@link #serve} started; -1 when installed on the application's server. */
    public int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    /** False once the stream failed or stopped; true while it runs, rebalances or has not been attached yet. */
    public boolean healthy() {
        KafkaStreams s = streams;
        return s == null || !DEAD.contains(s.state());
    }

    public boolean ready() {
        KafkaStreams s = streams;
        return s != null && s.state() == KafkaStreams.State.RUNNING && ready.getAsBoolean();
    }

    private String state() {
        KafkaStreams s = streams;
        return s == null ? "STARTING" : s.state().name();
    }

    private void status(HttpExchange exchange, boolean ok) throws IOException {
        send(exchange, ok ? 200 : 503, "application/json",
                ("{\"status\":\"" + (ok ? "UP" : "DOWN") + "\",\"streams\":\"" + state() + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a whole response that no cache may keep (every route here serves live state). */
    public static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Stops the own server (if any) and the metric binders; a registry passed in stays open. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            threads.shutdownNow();
            server = null;
        }
        while (!binders.isEmpty()) {
            try {
                binders.pop().close();
            } catch (Exception e) {
                // a meter binder that cannot unregister must not stop the shutdown
            }
        }
        if (ownsRegistry) {
            registry.close();
        }
    }
}
