package io.streamrag.platform.ops;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class OpsEndpointsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path stateDir;

    @Test
    void shouldBeHealthyButNotReady_whileTheProcessIsStillStarting() throws Exception {
        // given
        try (OpsEndpoints ops = OpsEndpoints.serve("127.0.0.1", 0)) {
            // when
            HttpResponse<String> health = get(ops, "/health");
            HttpResponse<String> ready = get(ops, "/ready");
            HttpResponse<String> metrics = get(ops, "/metrics");

            // then
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"streams\":\"STARTING\"");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("jvm_memory_used_bytes", "process_uptime_seconds", "jvm_threads_live_threads");
        }
    }

    @Test
    void shouldFollowTheStreamsState_andPublishItsClientMetrics() throws Exception {
        // given: a stream that is created but not started (no broker needed), and an app-level readiness flag
        AtomicBoolean appReady = new AtomicBoolean(true);
        KafkaStreams streams = new KafkaStreams(topology(), properties());
        try (OpsEndpoints ops = OpsEndpoints.serve("127.0.0.1", 0).watch(streams, appReady::get)) {
            // when / then: CREATED is alive but not ready
            assertThat(get(ops, "/health").statusCode()).isEqualTo(200);
            assertThat(get(ops, "/ready").statusCode()).isEqualTo(503);
            assertThat(get(ops, "/metrics").body()).contains("kafka_stream_");

            // when: the client stops
            streams.close(Duration.ofSeconds(5));

            // then: unhealthy, so an orchestrator restarts the process
            HttpResponse<String> health = get(ops, "/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("NOT_RUNNING");
        }
    }

    @Test
    void shouldDeclareThePortKeyWithTheSameMeaningAsTheMonitors() {
        // given / when
        var key = OpsEndpoints.portKey("query", 8092);

        // then
        assertThat(key.name()).isEqualTo("query.http.port");
        assertThat(key.envName()).isEqualTo("QUERY_HTTP_PORT");
        assertThat(key.defaultValue()).isEqualTo("8092");
        assertThat(key.description()).contains("/health", "/ready", "/metrics", "0 picks a free one");
    }

    private org.apache.kafka.streams.Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("ops-test-in", Consumed.with(Serdes.String(), Serdes.String())).to("ops-test-out");
        return builder.build();
    }

    private Properties properties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ops-endpoints-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }

    private static HttpResponse<String> get(OpsEndpoints ops, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
