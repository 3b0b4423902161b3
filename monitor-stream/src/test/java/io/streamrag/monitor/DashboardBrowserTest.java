package io.streamrag.monitor;

import io.streamrag.testkit.TestKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard in a real headless Chromium: charts drawn, and redrawn as telemetry arrives, without reloading. */
class DashboardBrowserTest {

    /** Coloured (non-background) pixels drawn on a chart's canvas. */
    private static final String INKED_PIXELS = "(() => { const c = document.getElementById('c-%s'); "
            + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; "
            + "for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()";

    @Test
    void shouldDrawChartsAndUpdateThem_whenNewTelemetryArrives() throws Exception {
        Assumptions.assumeTrue(DevTools.available(),
                "SKIPPED: no Chromium at " + DevTools.CHROMIUM + " (install Debian's chromium package to run the browser test)");
        // given: a monitor with some traffic, and the dashboard open in the browser
        LiveMonitor live = new LiveMonitor(TestKafka.shared().bootstrapServers());
        try (MonitorApp app = live.start(); KafkaProducer<String, byte[]> producer = live.producer();
             DevTools browser = DevTools.launch()) {
            MonitorAppIntegrationTest.awaitRunning(app);
            live.produce(producer, 120, "shop-");
            browser.navigate(app.url());
            double before = awaitRequests(browser, r -> r >= 120);
            for (String chart : new String[]{"throughput", "latency", "tokens", "cost", "quality"}) {
                assertThat(browser.number(INKED_PIXELS.formatted(chart))).as("pixels drawn on chart %s", chart).isGreaterThan(200);
            }
            double updatesBefore = browser.number("Number(document.body.dataset.updates)");

            // when: more telemetry arrives while the page stays open
            live.produce(producer, 80, "shop-");

            // then: the page shows it without a reload
            double after = awaitRequests(browser, r -> r >= before + 80);
            assertThat(after).isEqualTo(before + 80);
            assertThat(browser.number("Number(document.body.dataset.updates)")).isGreaterThan(updatesBefore);
            assertThat(browser.evaluate("document.getElementById('k-requests').textContent")).isEqualTo(String.valueOf((long) after));
            assertThat(browser.number("document.querySelectorAll('#answers tr').length")).isGreaterThan(0);
            assertThat(browser.number("document.getElementById('f-tenant').options.length")).isEqualTo(7);
            Path artifacts = Path.of(System.getProperty("streamrag.test.artifacts", "target/test-artifacts"));
            Files.createDirectories(artifacts);
            Files.write(artifacts.resolve("monitor-dashboard.png"), browser.screenshot());
            assertThat(Files.size(artifacts.resolve("monitor-dashboard.png"))).isGreaterThan(10_000);
        }
    }

    private static double awaitRequests(DevTools browser, java.util.function.DoublePredicate done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        double requests = Double.NaN;
        while (System.nanoTime() < deadline) {
            requests = browser.number("Number(document.body.dataset.requests)");
            if (done.test(requests)) {
                return requests;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the dashboard showed " + requests + " requests; status: "
                + browser.evaluate("document.getElementById('status').textContent"));
    }
}
