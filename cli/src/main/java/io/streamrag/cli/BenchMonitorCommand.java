package io.streamrag.cli;

import io.streamrag.events.EventHeader;
import io.streamrag.events.Telemetry;
import io.streamrag.events.TelemetryKind;
import io.streamrag.kafka.embedded.EmbeddedKafkaBroker;
import io.streamrag.monitor.MonitorApp;
import io.streamrag.schemas.AvroSerde;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code streamrag bench monitor}: on a fresh embedded broker, (1) the rate at which the monitor consumes a
 * pre-filled telemetry topic, until every event is visible in {@code /api/metrics}; (2) at a steady produce
 * rate, the time from producing an event to seeing it counted in {@code /api/metrics} (freshness).
 */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = "Monitor stream throughput (pre-filled topic) and freshness of /api/metrics (steady rate).")
final class BenchMonitorCommand implements Callable<Integer> {

    @Option(names = "--events", description = "Events to pre-fill (default: ${DEFAULT-VALUE}).")
    int events = 1_000_000;

    @Option(names = "--rate", description = "Steady produce rate for the freshness phase, events/s (default: ${DEFAULT-VALUE}).")
    int rate = 1000;

    @Option(names = "--seconds", description = "Length of the freshness phase (default: ${DEFAULT-VALUE}).")
    int seconds = 20;

    @Option(names = "--threads", description = "Monitor stream threads (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--partitions", description = "Partitions of the telemetry topic (default: ${DEFAULT-VALUE}).")
    int partitions = 3;

    @Option(names = "--json", description = "Print only the JSON result.")
    boolean json;

    private static final Pattern EVENTS = Pattern.compile("\"totals\":\\{\"requests\":\\d+,\"events\":(\\d+)");
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    public Integer call() throws Exception {
        AvroSerde<Telemetry> serde = AvroSerde.of(Telemetry.class);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            String bootstrap = broker.bootstrapServers();
            String telemetry = "bench.telemetry";
            Map<String, String> config = Map.ofEntries(Map.entry("monitor.stream.threads", Integer.toString(threads)),
                    Map.entry("topic.partitions", Integer.toString(partitions)),
                    Map.entry("kafka.bootstrap.servers", bootstrap),
                    Map.entry("monitor.application.id", "bench-monitor-" + UUID.randomUUID().toString().substring(0, 8)),
                    Map.entry("monitor.http.port", "0"),
                    Map.entry("monitor.http.host", "127.0.0.1"),
                    Map.entry("topic.telemetry", telemetry),
                    Map.entry("topic.metrics", "bench.metrics"),
                    Map.entry("topic.alerts", "bench.alerts"),
                    Map.entry("kafka.max.poll.records", "5000"),
                    Map.entry("kafka.fetch.max.bytes", "16777216"));

            // 1. pre-fill: events spread over the last five minutes, so windows close while the monitor reads
            long fillStarted = System.nanoTime();
            long now = System.currentTimeMillis();
            long span = Duration.ofMinutes(5).toMillis();
            Random random = new Random(7);
            io.streamrag.platform.kafka.TopicAdmin.ensure(Map.of("bootstrap.servers", bootstrap),
                    List.of(new io.streamrag.platform.kafka.TopicSpec(telemetry, partitions, (short) 1, Map.of())));
            log("broker ready in %.1f s", (System.nanoTime() - fillStarted) / 1e9);
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap, 50, 1 << 20)) {
                for (int i = 0; i < events; i++) {
                    Telemetry t = event(random, "tenant-" + (i % 20), now - span + (long) i * span / events);
                    producer.send(new ProducerRecord<>(telemetry, null, t.getHeader().getTimestamp().toEpochMilli(),
                            t.getTenant(), serde.encode(t)));
                }
                producer.flush();
            }
            log("pre-filled %,d events in %.1f s", events, (System.nanoTime() - fillStarted) / 1e9);

            try (MonitorApp app = MonitorApp.start(config)) {
                while (app.streams().state() != KafkaStreams.State.RUNNING) {
                    Thread.sleep(20);
                }
                long started = System.nanoTime();
                long cpuStarted = CpuBreakdown.processCpuNanos();
                CpuBreakdown.Snapshot threadCpuStarted = CpuBreakdown.start();
                URI all = app.url().resolve("/api/metrics?from=0&to=" + (now + 3_600_000));
                long seen = 0;
                long lastLog = System.nanoTime();
                while (seen < events) {
                    Thread.sleep(200);
                    seen = requests(all);
                    if (System.nanoTime() - lastLog > 5_000_000_000L) {
                        log("%,d events visible", seen);
                        lastLog = System.nanoTime();
                    }
                    if (System.nanoTime() - started > Duration.ofMinutes(10).toNanos()) {
                        throw new IllegalStateException("only " + seen + " of " + events + " events visible after 10 minutes");
                    }
                }
                double eventsPerSecond = events / ((System.nanoTime() - started) / 1e9);
                double cpuMicrosPerEvent = (CpuBreakdown.processCpuNanos() - cpuStarted) / 1e3 / events;
                log("consumed %,d events: %.0f events/s, %.1f us process CPU per event", events, eventsPerSecond, cpuMicrosPerEvent);
                // CPU per kind of thread (digits in names folded), to see where the process CPU goes
                Map<String, Double> threadCpu = threadCpuStarted.until(CpuBreakdown.start(), CpuBreakdown::threadKind);
                threadCpu.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(12)
                        .forEach(e -> log("  %6.2f us/event  %s", e.getValue() * 1e3 / events, e.getKey()));

                // 2. freshness at a steady rate
                double[] freshness = freshness(app, serde, telemetry, bootstrap);
                double p99 = percentile(freshness, 0.99);
                String result = String.format(Locale.ROOT,
                        "{\"events_per_s\": %.0f, \"p99_freshness_ms\": %.0f, \"p50_freshness_ms\": %.0f, \"events\": %d, "
                                + "\"cpu_us_per_event\": %.1f, "
                                + "\"freshness_rate_per_s\": %d, \"freshness_samples\": %d}",
                        eventsPerSecond, p99, percentile(freshness, 0.50), events, cpuMicrosPerEvent, rate, freshness.length);
                System.out.println(result);
                return 0;
            }
        }
    }

    /** Produces a probe tenant's events at the steady rate; records when each first shows in /api/metrics. */
    private double[] freshness(MonitorApp app, AvroSerde<Telemetry> serde, String topic, String bootstrap) throws Exception {
        int total = rate * seconds;
        long[] producedAt = new long[total];
        long[] visibleAt = new long[total];
        Arrays.fill(visibleAt, -1);
        URI probe = app.url().resolve("/api/metrics?dimension=tenant&value=probe&minutes=5");
        Thread watcher = Thread.ofPlatform().name("bench-freshness-watcher").start(() -> {
            int visible = 0;
            while (visible < total && !Thread.currentThread().isInterrupted()) {
                try {
                    long count = Math.min(total, requests(probe));
                    long at = System.nanoTime();
                    for (; visible < count; visible++) {
                        visibleAt[visible] = at;
                    }
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // retry on the next poll
                }
            }
        });
        Random random = new Random(11);
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap, 0, 16384)) {
            long start = System.nanoTime();
            long intervalNanos = 1_000_000_000L / rate;
            for (int i = 0; i < total; i++) {
                long due = start + i * intervalNanos;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                    if (due - System.nanoTime() > 2_000_000) {
                        Thread.sleep(1);
                    }
                }
                Telemetry t = event(random, "probe", System.currentTimeMillis());
                producedAt[i] = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, t.getTenant(), serde.encode(t)));
            }
            producer.flush();
        }
        watcher.join(Duration.ofSeconds(60));
        watcher.interrupt();
        List<Double> latencies = new ArrayList<>();
        int missing = 0;
        for (int i = 0; i < total; i++) {
            if (visibleAt[i] < 0) {
                missing++;
            } else {
                latencies.add(Math.max(0, (visibleAt[i] - producedAt[i]) / 1e6));
            }
        }
        if (missing > 0) {
            log("%d of %d freshness events never became visible", missing, total);
        }
        return latencies.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private long requests(URI uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = EVENTS.matcher(response.body());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap, int lingerMs, int batchBytes) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, lingerMs, ProducerConfig.BATCH_SIZE_CONFIG, batchBytes,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4", ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static final String[] MODELS = {"mistral-small-latest", "mistral-large-latest", "offline-extractive"};
    private static final String[] STATUSES = {"OK", "OK", "OK", "OK", "OK", "OK", "OK", "OK", "FAILED", "RATE_LIMITED"};

    private static Telemetry event(Random random, String tenant, long timestampMs) {
        long llm = 300 + (long) (random.nextGaussian() * 80 + 400);
        return Telemetry.newBuilder()
                .setHeader(EventHeader.newBuilder().setEventId(UUID.randomUUID().toString())
                        .setTimestamp(Instant.ofEpochMilli(timestampMs)).setCorrelationId("bench").build())
                .setKind(random.nextInt(20) == 0 ? TelemetryKind.INGEST : TelemetryKind.QUERY)
                .setTenant(tenant)
                .setSubjectId("req")
                .setStatus(STATUSES[random.nextInt(STATUSES.length)])
                .setProviderName("mistral_ai")
                .setRequestModel(MODELS[random.nextInt(MODELS.length)])
                .setTemplateId("support")
                .setTemplateVersion(1 + random.nextInt(2))
                .setInputTokens(200 + random.nextInt(800))
                .setOutputTokens(20 + random.nextInt(200))
                .setCostUsd(0.0004)
                .setLatencyMs(Map.of("embed", 5L + random.nextInt(20), "retrieve", 10L + random.nextInt(30),
                        "llm", Math.max(50, llm), "total", Math.max(80, llm + 60)))
                .setGroundedness(random.nextDouble())
                .setHallucinated(random.nextInt(25) == 0)
                .setQuestionChars(20 + random.nextInt(200))
                .setAnswerChars(100 + random.nextInt(800))
                .setLanguage(random.nextInt(3) == 0 ? "ko" : "en")
                .setRetrievalTopScore(random.nextDouble())
                .setChunks(5)
                .build();
    }

    private static double percentile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }

    private void log(String format, Object... args) {
        if (!json) {
            System.err.printf(format + "%n", args);
        }
    }
}
