package io.streamrag.monitor;

import io.streamrag.events.EventHeader;
import io.streamrag.events.Telemetry;
import io.streamrag.events.TelemetryKind;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Telemetry events and settings for the monitor's tests. */
final class TelemetryFixtures {

    static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

    private TelemetryFixtures() {
    }

    static MonitorSettings settings(String... rules) {
        return new MonitorSettings(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(1),
                Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofMinutes(10),
                Set.of("FAILED", "TIMEOUT"), java.util.Arrays.stream(rules).map(AlertRule::parse).toList(),
                Map.of(), 0.2, 20, TelemetryObserver.NONE, Duration.ofMinutes(1), 1);
    }

    static Telemetry.Builder query(String tenant, Instant at, long totalMs) {
        return Telemetry.newBuilder()
                .setHeader(EventHeader.newBuilder().setEventId(UUID.randomUUID().toString()).setTimestamp(at)
                        .setCorrelationId("req-" + UUID.randomUUID()).build())
                .setKind(TelemetryKind.QUERY)
                .setTenant(tenant)
                .setSubjectId("req-" + UUID.randomUUID())
                .setStatus("OK")
                .setProviderName("mistral_ai")
                .setRequestModel("mistral-small-latest")
                .setTemplateId("support")
                .setTemplateVersion(2)
                .setInputTokens(100)
                .setOutputTokens(20)
                .setCostUsd(0.001)
                .setLatencyMs(Map.of("total", totalMs, "llm", Math.max(1, totalMs - 50), "retrieve", 20L))
                .setGroundedness(0.9)
                .setQuestionChars(60)
                .setAnswerChars(300)
                .setLanguage("en")
                .setRetrievalTopScore(0.8)
                .setFlags(List.of());
    }

    static Telemetry ingest(String tenant, Instant at, int chunks, String status) {
        return Telemetry.newBuilder()
                .setHeader(EventHeader.newBuilder().setEventId(UUID.randomUUID().toString()).setTimestamp(at)
                        .setCorrelationId("doc").build())
                .setKind(TelemetryKind.INGEST)
                .setTenant(tenant)
                .setSubjectId(tenant + "/doc-" + UUID.randomUUID())
                .setStatus(status)
                .setChunks(chunks)
                .build();
    }
}
