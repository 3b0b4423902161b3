package io.streamrag.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streamrag.events.Telemetry;
import io.streamrag.events.TelemetryKind;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus series of the telemetry this instance counted, named after the OpenTelemetry GenAI semantic
 * conventions where they exist ({@code gen_ai.client.token.usage}, {@code gen_ai.client.operation.duration},
 * attributes {@code gen_ai.operation.name}, {@code gen_ai.provider.name}, {@code gen_ai.request.model},
 * {@code gen_ai.token.type}, {@code error.type}) and {@code streamrag.*} otherwise. Each instance reports what
 * its own partitions counted, so sums across instances are the whole.
 */
final class GenAiMeters implements TelemetryObserver {

    private record Series(DistributionSummary inputTokens, DistributionSummary outputTokens, Timer duration,
                          Counter requests, Counter cost, Counter hallucinations) {
    }

    private final MeterRegistry registry;
    private final Set<String> errorStatuses;
    private record SeriesKey(String model, String provider, String tenant, String status) {
    }

    private final Map<SeriesKey, Series> series = new ConcurrentHashMap<>();
    /** Looked up once per tenant and status: finding a meter by name and tags costs more than counting. */
    private final Map<SeriesKey, Counter[]> ingest = new ConcurrentHashMap<>();
    private final Counter undecodable;
    private final Counter duplicates;
    private final Counter late;

    GenAiMeters(MeterRegistry registry, Set<String> errorStatuses) {
        this.registry = registry;
        this.errorStatuses = errorStatuses;
        this.undecodable = Counter.builder("streamrag.monitor.undecodable").description("Telemetry records skipped because they could not be decoded").register(registry);
        this.duplicates = Counter.builder("streamrag.monitor.duplicates").description("Telemetry events dropped as duplicates (same event id)").register(registry);
        this.late = Counter.builder("streamrag.monitor.late").description("Telemetry events dropped because their window had closed").register(registry);
    }

    @Override
    public void counted(Telemetry t) {
        if (t.getKind() == TelemetryKind.INGEST) {
            SeriesKey key = new SeriesKey("", "", t.getTenant(), t.getStatus());
            Counter[] counters = ingest.get(key);
            if (counters == null) {
                counters = ingest.computeIfAbsent(key, k -> new Counter[]{
                        registry.counter("streamrag.ingest.documents", "tenant", k.tenant(), "status", k.status()),
                        registry.counter("streamrag.ingest.chunks", "tenant", k.tenant())});
            }
            counters[0].increment();
            counters[1].increment(t.getChunks());
            return;
        }
        String model = t.getRequestModel() == null ? "none" : t.getRequestModel();
        String provider = t.getProviderName() == null ? "none" : t.getProviderName();
        String status = t.getStatus();
        SeriesKey key = new SeriesKey(model, provider, t.getTenant(), status);
        Series s = series.get(key);
        if (s == null) {
            s = series.computeIfAbsent(key, k -> create(k.model(), k.provider(), k.tenant(), k.status()));
        }
        s.inputTokens().record(t.getInputTokens());
        s.outputTokens().record(t.getOutputTokens());
        Long total = t.getLatencyMs().get("total");
        if (total != null) {
            s.duration().record(Duration.ofMillis(total));
        }
        s.requests().increment();
        s.cost().increment(t.getCostUsd());
        if (t.getHallucinated()) {
            s.hallucinations().increment();
        }
    }

    private Series create(String model, String provider, String tenant, String status) {
        String errorType = errorStatuses.contains(status) ? status : "none";
        return new Series(
                DistributionSummary.builder("gen_ai.client.token.usage").description("Tokens used per request")
                        .tags("gen_ai.operation.name", "chat", "gen_ai.provider.name", provider, "gen_ai.request.model", model,
                                "gen_ai.token.type", "input", "tenant", tenant).register(registry),
                DistributionSummary.builder("gen_ai.client.token.usage").description("Tokens used per request")
                        .tags("gen_ai.operation.name", "chat", "gen_ai.provider.name", provider, "gen_ai.request.model", model,
                                "gen_ai.token.type", "output", "tenant", tenant).register(registry),
                Timer.builder("gen_ai.client.operation.duration").description("End-to-end duration of a RAG request")
                        .tags("gen_ai.operation.name", "chat", "gen_ai.provider.name", provider, "gen_ai.request.model", model,
                                "error.type", errorType, "tenant", tenant)
                        .serviceLevelObjectives(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
                                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10))
                        .register(registry),
                Counter.builder("streamrag.requests").tags("tenant", tenant, "status", status, "gen_ai.request.model", model).register(registry),
                Counter.builder("streamrag.cost").baseUnit("usd").tags("tenant", tenant, "gen_ai.request.model", model).register(registry),
                Counter.builder("streamrag.hallucinations").tags("tenant", tenant, "gen_ai.request.model", model).register(registry));
    }

    @Override
    public void undecodable(String reason) {
        undecodable.increment();
    }

    @Override
    public void duplicate() {
        duplicates.increment();
    }

    @Override
    public void late() {
        late.increment();
    }
}
