package io.streamrag.monitor;

import io.streamrag.events.Alert;
import io.streamrag.events.AlertState;
import io.streamrag.schemas.Events;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * For each final window of one dimension (every partition merged): the metric window, the hopping window that
 * ends with it (the merge of the tumbling windows it covers), drift against the dimension's reference window,
 * and alert rules, raising once per episode and clearing when the condition stops.
 */
final class EmitProcessor implements Processor<Windowed<String>, byte[], String, SpecificRecord> {

    private final MonitorSettings settings;
    private ProcessorContext<String, SpecificRecord> context;
    private TimestampedWindowStore<String, byte[]> merged;
    private KeyValueStore<String, String> alerts;
    private KeyValueStore<String, byte[]> references;
    private KeyValueStore<String, Long> budgets;

    EmitProcessor(MonitorSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.merged = context.getStateStore(MonitorTopology.MERGED_STORE);
        this.alerts = context.getStateStore(MonitorTopology.ALERT_STORE);
        this.references = context.getStateStore(MonitorTopology.REFERENCE_STORE);
        this.budgets = context.getStateStore(MonitorTopology.BUDGET_STORE);
    }

    @Override
    public void process(Record<Windowed<String>, byte[]> record) {
        String dimension = record.key().key();
        DimensionKey key = DimensionKey.parse(dimension);
        long start = record.key().window().start();
        long end = record.key().window().end();
        WindowAggregate aggregate = WindowAggregate.fromBytes(record.value());

        Map<String, Double> drift = drift(dimension, aggregate);
        List<String> flagged = drift.entrySet().stream().filter(e -> e.getValue() > settings.driftThreshold())
                .map(Map.Entry::getKey).toList();
        String label = settings.windowLabel();
        context.forward(new Record<>(label + "/" + key + "/" + start,
                aggregate.toMetricWindow(label, start, end, key, drift, flagged), end));

        long hopSize = settings.hoppingSize().toMillis();
        if (hopSize > settings.window().toMillis() && Math.floorMod(end - hopSize, settings.hoppingAdvance().toMillis()) == 0) {
            WindowAggregate hop = new WindowAggregate();
            for (long s = end - hopSize; s < end; s += settings.window().toMillis()) {
                ValueAndTimestamp<byte[]> part = merged.fetch(dimension, s);
                if (part != null && part.value() != null) {
                    hop.merge(WindowAggregate.fromBytes(part.value()));
                }
            }
            String hopLabel = settings.hoppingLabel();
            context.forward(new Record<>(hopLabel + "/" + key + "/" + (end - hopSize),
                    hop.toMetricWindow(hopLabel, end - hopSize, end, key, Map.of(), List.of()), end));
        }
        evaluateRules(key, aggregate, drift, start, end);
    }

    /** The first window with enough observations becomes the reference; later windows are compared with it. */
    private Map<String, Double> drift(String dimension, WindowAggregate aggregate) {
        byte[] reference = references.get(dimension);
        if (reference == null) {
            if (aggregate.requests() >= settings.driftMinSamples()) {
                references.put(dimension, aggregate.toBytes());
            }
            return Map.of();
        }
        return Drift.psi(aggregate, WindowAggregate.fromBytes(reference), settings.driftMinSamples());
    }

    private void evaluateRules(DimensionKey key, WindowAggregate aggregate, Map<String, Double> drift, long start, long end) {
        double budgetUsed = tokenBudgetUsed(key, aggregate, end);
        for (AlertRule rule : settings.rules()) {
            if (!rule.appliesTo(key)) {
                continue;
            }
            double value = value(rule.metric(), aggregate, drift, budgetUsed);
            if (Double.isNaN(value)) {
                continue;
            }
            String stateKey = rule.id() + "/" + key;
            String[] state = alerts.get(stateKey) == null ? new String[]{"0", "false"} : alerts.get(stateKey).split(",");
            int streak = Integer.parseInt(state[0]);
            boolean raised = Boolean.parseBoolean(state[1]);
            if (rule.breached(value)) {
                streak++;
                if (!raised && streak >= rule.windowsToHold(settings.window())) {
                    raised = true;
                    forwardAlert(rule, key, AlertState.RAISED, value, start, end);
                }
            } else {
                streak = 0;
                if (raised) {
                    raised = false;
                    forwardAlert(rule, key, AlertState.CLEARED, value, start, end);
                }
            }
            alerts.put(stateKey, streak + "," + raised + "," + value + "," + rule.threshold() + "," + start + "," + end + "," + rule.severity());
        }
    }

    private void forwardAlert(AlertRule rule, DimensionKey key, AlertState state, double value, long start, long end) {
        String id = rule.id() + "/" + key;
        String message = (state == AlertState.RAISED ? "" : "cleared: ") + rule.metric() + " of " + key + " is "
                + String.format(java.util.Locale.ROOT, "%.4g", value) + " (rule " + rule + ")";
        context.forward(new Record<>(id, Alert.newBuilder()
                .setHeader(Events.deterministicHeader("alert/" + id + "/" + state + "/" + end, id, end))
                .setRuleId(rule.id())
                .setState(state)
                .setSeverity(rule.severity())
                .setDimension(key.dimension())
                .setDimensionValue(key.value())
                .setValue(value)
                .setThreshold(rule.threshold())
                .setMessage(message)
                .setWindowStart(Instant.ofEpochMilli(start))
                .setWindowEnd(Instant.ofEpochMilli(end))
                .build(), end));
    }

    /** Share of the tenant's daily token budget used so far today (UTC); NaN without a budget. */
    private double tokenBudgetUsed(DimensionKey key, WindowAggregate aggregate, long end) {
        if (!key.dimension().equals(DimensionKey.TENANT) || !settings.tokenBudgets().containsKey(key.value())) {
            return Double.NaN;
        }
        String day = key.value() + "/" + Instant.ofEpochMilli(end - 1).atZone(ZoneOffset.UTC).toLocalDate();
        Long before = budgets.get(day);
        long used = (before == null ? 0 : before) + aggregate.inputTokens + aggregate.outputTokens;
        budgets.put(day, used);
        return (double) used / settings.tokenBudgets().get(key.value());
    }

    static double value(String metric, WindowAggregate a, Map<String, Double> drift, double budgetUsed) {
        return switch (metric) {
            case "requests" -> a.requests();
            case "error_rate" -> a.requests() == 0 ? Double.NaN : a.errorRate();
            case "hallucination_rate" -> a.requests() == 0 ? Double.NaN : a.hallucinationRate();
            case "mean_groundedness" -> a.meanGroundedness() == null ? Double.NaN : a.meanGroundedness();
            case "injection_blocks" -> a.injectionBlocks;
            case "cache_hit_rate" -> a.requests() == 0 ? Double.NaN : a.cacheHitRate();
            case "rate_limited_share" -> a.requests() == 0 ? Double.NaN : a.rateLimitedShare();
            case "cost_usd" -> a.costUsd;
            case "input_tokens" -> a.inputTokens;
            case "output_tokens" -> a.outputTokens;
            case "dead_letters" -> a.deadLetters;
            case "p50_latency_ms" -> a.latency("total", 0.50);
            case "p95_latency_ms" -> a.latency("total", 0.95);
            case "p99_latency_ms" -> a.latency("total", 0.99);
            case "token_budget_used" -> budgetUsed;
            case "drift_psi" -> drift.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            default -> Double.NaN;
        };
    }

    static Map<String, String> describeState(String stored) {
        String[] f = stored.split(",");
        Map<String, String> out = new TreeMap<>();
        out.put("streak", f[0]);
        out.put("raised", f[1]);
        if (f.length >= 7) {
            out.put("value", f[2]);
            out.put("threshold", f[3]);
            out.put("windowStart", f[4]);
            out.put("windowEnd", f[5]);
            out.put("severity", f[6]);
        }
        return out;
    }
}
