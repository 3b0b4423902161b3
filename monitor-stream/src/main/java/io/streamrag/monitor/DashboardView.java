package io.streamrag.monitor;

import io.streamrag.events.Telemetry;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The JSON of {@code /api/metrics} and of each dashboard update: one dimension's windows, totals, alerts, answers. */
final class DashboardView {

    private DashboardView() {
    }

    static String render(MetricsQuery.Picture picture, DimensionKey selected, MonitorSettings settings,
                         List<Telemetry> answers, long generatedAt) {
        Json json = new Json().begin();
        json.field("generatedAt", generatedAt)
                .field("dimension", selected.dimension())
                .field("value", selected.value())
                .field("windowMs", settings.window().toMillis())
                .field("instances", picture.instances())
                .field("complete", picture.problems().isEmpty());
        json.array("problems");
        picture.problems().forEach(json::value);
        json.endArray();

        Map<String, TreeSet<String>> values = new TreeMap<>();
        for (String key : picture.windows().keySet()) {
            DimensionKey k = DimensionKey.parse(key);
            if (!k.dimension().equals(DimensionKey.OVERALL)) {
                values.computeIfAbsent(k.dimension(), d -> new TreeSet<>()).add(k.value());
            }
        }
        json.begin("dimensions");
        for (String dimension : List.of(DimensionKey.TENANT, DimensionKey.MODEL, DimensionKey.TEMPLATE)) {
            json.array(dimension);
            values.getOrDefault(dimension, new TreeSet<>()).forEach(json::value);
            json.endArray();
        }
        json.end();

        TreeMap<Long, WindowAggregate> windows = picture.windows().getOrDefault(selected.toString(), new TreeMap<>());
        WindowAggregate total = new WindowAggregate();
        windows.values().forEach(total::merge);
        json.begin("totals");
        aggregate(json, total);
        if (windows.size() >= 2) {
            json.begin("drift");
            Drift.psi(windows.lastEntry().getValue(), windows.firstEntry().getValue(), settings.driftMinSamples())
                    .forEach(json::field);
            json.end();
        }
        json.end();

        json.array("series");
        windows.forEach((start, w) -> {
            json.begin().field("start", start);
            aggregate(json, w);
            json.end();
        });
        json.endArray();

        json.array("alerts");
        picture.alertStates().forEach((key, state) -> {
            Map<String, String> s = MergeProcessor.describeState(state);
            if (Boolean.parseBoolean(s.get("raised"))) {
                int slash = key.indexOf('/');
                json.begin().field("rule", key.substring(0, slash)).field("on", key.substring(slash + 1))
                        .field("value", Double.parseDouble(s.getOrDefault("value", "NaN")))
                        .field("threshold", Double.parseDouble(s.getOrDefault("threshold", "NaN")))
                        .field("severity", s.getOrDefault("severity", "warning"))
                        .field("windowStart", Long.parseLong(s.getOrDefault("windowStart", "0")))
                        .end();
            }
        });
        json.endArray();

        json.array("answers");
        for (Telemetry t : answers) {
            if (!matches(t, selected)) {
                continue;
            }
            Long totalMs = t.getLatencyMs().get("total");
            json.begin().field("requestId", t.getSubjectId()).field("at", t.getHeader().getTimestamp().toEpochMilli())
                    .field("tenant", t.getTenant()).field("model", t.getRequestModel())
                    .field("template", (t.getTemplateId() == null ? "none" : t.getTemplateId()) + "@" + t.getTemplateVersion())
                    .field("status", t.getStatus()).field("latencyMs", totalMs == null ? -1 : totalMs)
                    .field("groundedness", t.getGroundedness() == null ? Double.NaN : t.getGroundedness())
                    .field("hallucinated", t.getHallucinated()).field("cached", t.getCached());
            json.array("flags");
            t.getFlags().forEach(json::value);
            json.endArray().end();
        }
        json.endArray();
        return json.end().toString();
    }

    private static boolean matches(Telemetry t, DimensionKey selected) {
        return DimensionKey.of(t).contains(selected);
    }

    private static void aggregate(Json json, WindowAggregate w) {
        json.field("requests", w.requests).field("events", w.events()).field("errors", w.errors).field("errorRate", w.errorRate())
                .field("p50", w.latency("total", 0.50)).field("p95", w.latency("total", 0.95)).field("p99", w.latency("total", 0.99))
                .field("inputTokens", w.inputTokens).field("outputTokens", w.outputTokens).field("costUsd", w.costUsd)
                .field("hallucinationRate", w.hallucinationRate())
                .field("meanGroundedness", w.meanGroundedness() == null ? Double.NaN : w.meanGroundedness())
                .field("injectionBlocks", w.injectionBlocks).field("cacheHitRate", w.cacheHitRate())
                .field("rateLimitedShare", w.rateLimitedShare()).field("ingestDocuments", w.ingestDocuments)
                .field("ingestChunks", w.ingestChunks).field("deadLetters", w.deadLetters);
        json.begin("statusCounts");
        w.statusCounts.forEach(json::field);
        json.end();
        json.begin("latency");
        w.latency.forEach((stage, sketch) -> json.begin(stage).field("p50", sketch.quantile(0.5))
                .field("p95", sketch.quantile(0.95)).field("p99", sketch.quantile(0.99)).end());
        json.end();
        json.begin("features");
        w.features().forEach(json::field);
        json.end();
    }
}
