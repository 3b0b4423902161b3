package io.streamrag.monitor;

import io.streamrag.testkit.TestKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Two monitor instances share the partitions; either one's API shows the whole traffic. */
class MonitorAppIntegrationTest {

    @Test
    void shouldShowTheWholeCountFromEitherInstance_whenTwoInstancesShareTheWork() throws Exception {
        // given
        LiveMonitor live = new LiveMonitor(TestKafka.shared().bootstrapServers());
        try (MonitorApp first = live.start(); MonitorApp second = live.start();
             KafkaProducer<String, byte[]> producer = live.producer()) {
            awaitRunning(first, second);

            // when
            live.produce(producer, 240, "tenant-");

            // then
            String fromFirst = awaitCount(first, 240);
            String fromSecond = awaitCount(second, 240);
            assertThat(LiveMonitor.instances(fromFirst)).isEqualTo(2);
            assertThat(LiveMonitor.instances(fromSecond)).isEqualTo(2);
            assertThat(LiveMonitor.totalRequests(LiveMonitor.get(first.url().resolve("/api/metrics?dimension=tenant&value=tenant-0"))
                    .substring(4))).isEqualTo(40);
            String prometheus = LiveMonitor.get(first.url().resolve("/metrics"));
            assertThat(prometheus).startsWith("200").contains("gen_ai_client_token_usage", "gen_ai_client_operation_duration_seconds");
            assertThat(LiveMonitor.get(first.url().resolve("/health"))).startsWith("200");
            assertThat(LiveMonitor.get(second.url().resolve("/ready"))).startsWith("200");
        }
    }

    static void awaitRunning(MonitorApp... apps) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        for (MonitorApp app : apps) {
            while (app.streams().state() != KafkaStreams.State.RUNNING) {
                assertThat(System.nanoTime()).as("monitor running within 90 s").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    private static String awaitCount(MonitorApp app, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = LiveMonitor.get(app.url().resolve("/api/metrics"));
            if (LiveMonitor.totalRequests(last) == expected && LiveMonitor.instances(last) == 2) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("expected " + expected + " requests from 2 instances; last answer: "
                + last.substring(0, Math.min(600, last.length())) + " " + Map.of());
    }
}
