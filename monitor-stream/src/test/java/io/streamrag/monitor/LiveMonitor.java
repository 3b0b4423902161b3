package io.streamrag.monitor;

import io.streamrag.events.Telemetry;
import io.streamrag.schemas.AvroSerde;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Monitor instances on a real broker for integration tests: own topics and application id per test. */
final class LiveMonitor {

    final String bootstrap;
    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final String telemetryTopic = "test.telemetry." + suffix;

    LiveMonitor(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    MonitorApp start() {
        Map<String, String> values = new HashMap<>();
        values.put("kafka.bootstrap.servers", bootstrap);
        values.put("monitor.application.id", "monitor-it-" + suffix);
        values.put("monitor.http.port", "0");
        values.put("monitor.http.host", "127.0.0.1");
        values.put("monitor.commit.interval.ms", "200");
        values.put("monitor.dashboard.refresh.ms", "300");
        values.put("topic.telemetry", telemetryTopic);
        values.put("topic.metrics", "test.metrics." + suffix);
        values.put("topic.alerts", "test.alerts." + suffix);
        values.put("topic.partitions", "4");
        return MonitorApp.start(values);
    }

    KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Produces n query events spread over tenants, models and templates, stamped now. */
    void produce(KafkaProducer<String, byte[]> producer, int n, String tenantPrefix) {
        AvroSerde<Telemetry> serde = AvroSerde.of(Telemetry.class);
        for (int i = 0; i < n; i++) {
            Telemetry t = TelemetryFixtures.query(tenantPrefix + (i % 6), Instant.now(), 200 + (i % 50) * 20)
                    .setRequestModel(i % 3 == 0 ? "mistral-small-latest" : "mistral-large-latest")
                    .setHallucinated(i % 10 == 0)
                    .setFlags(i % 7 == 0 ? java.util.List.of("pii.redacted:email") : java.util.List.of())
                    .build();
            producer.send(new ProducerRecord<>(telemetryTopic, t.getTenant(), serde.encode(t)));
        }
        producer.flush();
    }

    static String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    static long totalRequests(String metricsJson) {
        Matcher m = Pattern.compile("\"totals\":\\{\"requests\":(\\d+)").matcher(metricsJson);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static long instances(String metricsJson) {
        Matcher m = Pattern.compile("\"instances\":(\\d+)").matcher(metricsJson);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
