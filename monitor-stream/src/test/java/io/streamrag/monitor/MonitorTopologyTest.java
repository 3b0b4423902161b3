package io.streamrag.monitor;

import io.streamrag.events.Alert;
import io.streamrag.events.AlertState;
import io.streamrag.events.MetricWindow;
import io.streamrag.events.Telemetry;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.schemas.AvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import static io.streamrag.monitor.TelemetryFixtures.T0;
import static io.streamrag.monitor.TelemetryFixtures.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MonitorTopologyTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final AvroSerde<Telemetry> TELEMETRY = AvroSerde.of(Telemetry.class);

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> telemetry;
    private TestOutputTopic<String, MetricWindow> metrics;
    private TestOutputTopic<String, Alert> alerts;

    private void start(MonitorSettings settings) throws Exception {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "monitor-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("monitor-ttd").toString());
        driver = new TopologyTestDriver(MonitorTopology.build(TOPICS, settings), props);
        telemetry = driver.createInputTopic(TOPICS.telemetry(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        metrics = driver.createOutputTopic(TOPICS.metrics(), Serdes.String().deserializer(), AvroSerde.of(MetricWindow.class).deserializer());
        alerts = driver.createOutputTopic(TOPICS.alerts(), Serdes.String().deserializer(), AvroSerde.of(Alert.class).deserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void send(Telemetry t) {
        telemetry.pipeInput(t.getTenant(), TELEMETRY.encode(t), t.getHeader().getTimestamp());
    }

    /**
     * Moves event time on with ingest events (no requests, so no effect on request metrics): the second one
     * closes the first one's window, whose partials in turn close every window before it in the merge.
     */
    private void advanceTo(Instant at) {
        send(TelemetryFixtures.ingest("clock", at, 0, "INGESTED"));
        send(TelemetryFixtures.ingest("clock", at.plus(Duration.ofMinutes(2)), 0, "INGESTED"));
    }

    private static MetricWindow find(List<MetricWindow> windows, String label, String dimension, String value, Instant start) {
        return windows.stream().filter(w -> w.getWindow().equals(label) && w.getDimension().equals(dimension)
                        && w.getDimensionValue().equals(value) && w.getWindowStart().equals(start))
                .findFirst().orElseThrow(() -> new AssertionError("no " + label + " window " + dimension + "=" + value + " at " + start + " in " + windows));
    }

    @Test
    void shouldEmitOneFinalWindowPerDimension_whenTheWindowCloses() throws Exception {
        // given
        start(TelemetryFixtures.settings());
        send(query("acme", T0.plusSeconds(1), 100).build());
        send(query("acme", T0.plusSeconds(20), 200).setStatus("FAILED").build());
        send(query("globex", T0.plusSeconds(40), 300).setRequestModel("gpt-x").setHallucinated(true).build());
        send(TelemetryFixtures.ingest("acme", T0.plusSeconds(50), 7, "INGESTED"));

        // when: still open, nothing final
        assertThat(metrics.readValuesToList()).isEmpty();
        advanceTo(T0.plus(Duration.ofMinutes(3)));
        List<MetricWindow> out = metrics.readValuesToList();

        // then
        MetricWindow overall = find(out, "1m", "overall", "all", T0);
        assertThat(overall.getRequests()).isEqualTo(3);
        assertThat(overall.getStatusCounts()).containsEntry("OK", 2L).containsEntry("FAILED", 1L);
        assertThat(overall.getErrorRate()).isCloseTo(1 / 3.0, within(1e-9));
        assertThat(overall.getHallucinationRate()).isCloseTo(1 / 3.0, within(1e-9));
        assertThat(overall.getInputTokens()).isEqualTo(300);
        assertThat(overall.getIngestDocuments()).isEqualTo(1);
        assertThat(overall.getIngestChunks()).isEqualTo(7);
        assertThat(overall.getWindowEnd()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
        assertThat(find(out, "1m", "tenant", "acme", T0).getRequests()).isEqualTo(2);
        assertThat(find(out, "1m", "tenant", "globex", T0).getRequests()).isEqualTo(1);
        assertThat(find(out, "1m", "model", "gpt-x", T0).getRequests()).isEqualTo(1);
        assertThat(find(out, "1m", "template", "support@2", T0).getRequests()).isEqualTo(3);
        assertThat(out.stream().filter(w -> w.getWindow().equals("1m") && w.getDimension().equals("overall")
                && w.getWindowStart().equals(T0))).hasSize(1);
    }

    @Test
    void shouldMergeTumblingWindowsIntoTheHoppingWindow() throws Exception {
        // given: one request in each of five consecutive minutes
        start(TelemetryFixtures.settings());
        for (int minute = 0; minute < 5; minute++) {
            send(query("acme", T0.plus(Duration.ofMinutes(minute)).plusSeconds(5), 100).build());
        }

        // when
        advanceTo(T0.plus(Duration.ofMinutes(8)));

        // then
        MetricWindow hop = find(metrics.readValuesToList(), "5m/1m", "tenant", "acme", T0);
        assertThat(hop.getRequests()).isEqualTo(5);
        assertThat(hop.getWindowEnd()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    }

    @Test
    void shouldCountLateEventWithinGrace_andDropItAfterGrace() throws Exception {
        // given
        start(TelemetryFixtures.settings());
        send(query("acme", T0.plusSeconds(10), 100).build());
        send(query("acme", T0.plusSeconds(75), 100).build());      // stream time 1:15
        send(query("acme", T0.plusSeconds(50), 100).build());      // late by 25 s, within the 30 s grace
        send(query("acme", T0.plusSeconds(95), 100).build());      // stream time 1:35: window [0,1m) closes
        send(query("acme", T0.plusSeconds(55), 100).build());      // after grace: dropped

        // when
        advanceTo(T0.plus(Duration.ofMinutes(4)));

        // then
        assertThat(find(metrics.readValuesToList(), "1m", "tenant", "acme", T0).getRequests()).isEqualTo(2);
    }

    @Test
    void shouldCountAnEventOnce_whenItIsDeliveredTwice() throws Exception {
        // given
        start(TelemetryFixtures.settings());
        Telemetry once = query("acme", T0.plusSeconds(5), 100).build();
        send(once);
        send(once);
        send(query("acme", T0.plusSeconds(6), 100).build());

        // when
        advanceTo(T0.plus(Duration.ofMinutes(3)));

        // then
        assertThat(find(metrics.readValuesToList(), "1m", "tenant", "acme", T0).getRequests()).isEqualTo(2);
    }

    @Test
    void shouldSkipUndecodableTelemetry_andKeepCounting() throws Exception {
        // given
        start(TelemetryFixtures.settings());
        telemetry.pipeInput("acme", "not avro".getBytes(), T0.plusSeconds(1));
        send(query("acme", T0.plusSeconds(2), 100).build());

        // when
        advanceTo(T0.plus(Duration.ofMinutes(3)));

        // then
        assertThat(find(metrics.readValuesToList(), "1m", "tenant", "acme", T0).getRequests()).isEqualTo(1);
    }

    @Test
    void shouldReportLatencyPercentilesWithinOnePercentOfExactValues() throws Exception {
        // given: 2,000 latencies spread over three orders of magnitude
        start(TelemetryFixtures.settings());
        Random random = new Random(42);
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            long ms = (long) Math.exp(random.nextDouble() * Math.log(20_000)) + 5;
            latencies.add(ms);
            send(query(i % 2 == 0 ? "acme" : "globex", T0.plusMillis(i * 20L), ms).build());
        }

        // when
        advanceTo(T0.plus(Duration.ofMinutes(3)));
        MetricWindow overall = find(metrics.readValuesToList(), "1m", "overall", "all", T0);

        // then
        List<Long> sorted = latencies.stream().sorted().toList();
        for (Map.Entry<Double, Map<CharSequence, Double>> q : Map.of(0.50, toCs(overall.getLatencyP50Ms()),
                0.95, toCs(overall.getLatencyP95Ms()), 0.99, toCs(overall.getLatencyP99Ms())).entrySet()) {
            double exact = sorted.get((int) Math.floor(q.getKey() * (sorted.size() - 1)));
            assertThat(q.getValue().get("total")).as("p%s", q.getKey()).isCloseTo(exact, within(exact * 0.01));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<CharSequence, Double> toCs(Map<?, Double> map) {
        Map<CharSequence, Double> out = new java.util.HashMap<>();
        map.forEach((k, v) -> out.put(k.toString(), v));
        return out;
    }

    @Test
    void shouldRaiseOnceAndClear_whenErrorRateCrossesTheRule() throws Exception {
        // given
        start(TelemetryFixtures.settings("error_rate>0.3 on overall"));
        for (int minute = 0; minute < 3; minute++) { // minutes 0 and 1 fail, minute 2 is healthy
            for (int i = 0; i < 4; i++) {
                send(query("acme", T0.plus(Duration.ofMinutes(minute)).plusSeconds(i), 100)
                        .setStatus(minute < 2 && i < 2 ? "FAILED" : "OK").build());
            }
        }

        // when
        advanceTo(T0.plus(Duration.ofMinutes(6)));

        // then
        List<Alert> out = alerts.readValuesToList();
        assertThat(out).extracting(Alert::getState).containsExactly(AlertState.RAISED, AlertState.CLEARED);
        assertThat(out.get(0).getWindowStart()).isEqualTo(T0);
        assertThat(out.get(0).getValue()).isCloseTo(0.5, within(1e-9));
        assertThat(out.get(1).getWindowStart()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
    }

    @Test
    void shouldRaiseOnlyAfterTheHoldDuration() throws Exception {
        // given: p95 above 2 s in minutes 0-2, a rule that needs 3 minutes
        start(TelemetryFixtures.settings("p95_latency_ms>2000 for 3m"));
        for (int minute = 0; minute < 3; minute++) {
            send(query("acme", T0.plus(Duration.ofMinutes(minute)).plusSeconds(1), 5000).build());
        }

        // when
        send(TelemetryFixtures.ingest("clock", T0.plus(Duration.ofMinutes(2)).plusSeconds(40), 0, "INGESTED")); // minutes 0, 1 final
        List<Alert> beforeThird = alerts.readValuesToList();
        advanceTo(T0.plus(Duration.ofMinutes(6)));

        // then: the third slow minute raises it, once
        assertThat(beforeThird).isEmpty();
        List<Alert> raised = alerts.readValuesToList();
        assertThat(raised).filteredOn(a -> a.getDimension().equals("overall")).extracting(Alert::getState)
                .containsExactly(AlertState.RAISED);
        assertThat(raised.get(0).getWindowStart()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
    }

    @Test
    void shouldFlagDrift_whenQuestionsChangeAgainstTheReferenceWindow() throws Exception {
        // given: minute 0 English short questions (reference), minute 1 long Korean questions
        start(TelemetryFixtures.settings());
        for (int i = 0; i < 30; i++) {
            send(query("acme", T0.plusSeconds(i), 100).build());
            send(query("acme", T0.plusSeconds(60 + i), 100).setLanguage("ko").setQuestionChars(900).setRetrievalTopScore(0.3).build());
        }

        // when
        advanceTo(T0.plus(Duration.ofMinutes(4)));
        List<MetricWindow> out = metrics.readValuesToList();

        // then
        assertThat(find(out, "1m", "overall", "all", T0).getDriftFlagged()).isEmpty();
        MetricWindow drifted = find(out, "1m", "overall", "all", T0.plus(Duration.ofMinutes(1)));
        assertThat(drifted.getDriftFlagged()).contains("question_chars", "language", "retrieval_top_score");
        assertThat(drifted.getFeatures().get("language_share_ko")).isEqualTo(1.0);
    }

    @Test
    void shouldNameEveryStatefulOperator() {
        // given
        Topology topology = MonitorTopology.build(TOPICS, TelemetryFixtures.settings());

        // when
        String description = topology.describe().toString();

        // then
        assertThat(description).contains("monitor-telemetry-source", "monitor-aggregate", "monitor-dedup-store",
                "monitor-window-store", "monitor-partials-by-dimension-repartition", "monitor-merge",
                "monitor-merged-store", "monitor-watermark-store", "monitor-alert-store",
                "monitor-drift-reference-store", "monitor-budget-store", "monitor-metrics-sink", "monitor-alerts-sink");
        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-", "STATE-STORE-");
    }
}
