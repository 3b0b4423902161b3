package io.streamrag.monitor;

import io.streamrag.events.Alert;
import io.streamrag.events.AlertState;
import io.streamrag.schemas.Events;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Merges the partial aggregates of every source partition per dimension and window, and emits a window once
 * every source partition's watermark has passed its end: the metric window, the hopping window that ends with
 * it (the merge of the tumbling windows it covers), drift against the dimension's reference window, and alert
 * rules, raising once per episode and clearing when the condition stops.
 * <p>
 * Watermarks rather than a grace period decide when a window is complete: while catching up, partitions can be
 * minutes apart in event time, and a grace period would drop the slower ones' partials. A source partition that
 * stops receiving telemetry holds finals back until it moves again (live values are not affected).
 */
final class MergeProcessor implements Processor<String, byte[], String, SpecificRecord> {

    static final String WATERMARK_KEY = "\u0000watermark";
    private static final byte WATERMARK = 'W';
    private static final String EMITTED_UP_TO = "emitted";
    private static final Logger LOG = LoggerFactory.getLogger(MergeProcessor.class);

    private final MonitorSettings settings;
    private final long windowMs;
    private ProcessorContext<String, SpecificRecord> context;
    private WindowStore<String, byte[]> merged;
    private KeyValueStore<String, Long> watermarks;
    private KeyValueStore<String, String> alerts;
    private KeyValueStore<String, byte[]> references;
    private KeyValueStore<String, Long> budgets;

    MergeProcessor(MonitorSettings settings) {
        this.settings = settings;
        this.windowMs = settings.window().toMillis();
    }

    static byte[] watermark(int partition, long time) {
        return ByteBuffer.allocate(13).put(WATERMARK).putInt(partition).putLong(time).array();
    }

    /** Sends watermarks to every partition of the merge, partials by their dimension like the default partitioner. */
    static final StreamPartitioner<String, byte[]> PARTITIONER = (topic, key, value, partitions) ->
            WATERMARK_KEY.equals(key)
                    ? Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()))
                    : Optional.of(Set.of(Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions));

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.merged = context.getStateStore(MonitorTopology.MERGED_STORE);
        this.watermarks = context.getStateStore(MonitorTopology.WATERMARK_STORE);
        this.alerts = context.getStateStore(MonitorTopology.ALERT_STORE);
        this.references = context.getStateStore(MonitorTopology.REFERENCE_STORE);
        this.budgets = context.getStateStore(MonitorTopology.BUDGET_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (WATERMARK_KEY.equals(record.key())) {
            ByteBuffer in = ByteBuffer.wrap(record.value());
            in.get();
            String partition = Integer.toString(in.getInt());
            long time = in.getLong();
            Long before = watermarks.get(partition);
            if (before == null || time > before) {
                watermarks.put(partition, time);
                emitCompleteWindows();
            }
            return;
        }
        long start = record.timestamp();
        Long emitted = watermarks.get(EMITTED_UP_TO);
        if (emitted != null && start < emitted) {
            LOG.warn("partial of {} for window {} arrived after that window was emitted; not counted in llmops.metrics",
                    record.key(), start);
            return;
        }
        byte[] existing = merged.fetch(record.key(), start);
        WindowAggregate partial = WindowAggregate.fromBytes(record.value());
        merged.put(record.key(), (existing == null ? partial : WindowAggregate.fromBytes(existing).merge(partial)).toBytes(), start);
    }

    /** Emits every window, oldest first, whose end every known source partition has passed. */
    private void emitCompleteWindows() {
        long low = Long.MAX_VALUE;
        int reported = 0;
        try (KeyValueIterator<String, Long> all = watermarks.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> next = all.next();
                if (!next.key.equals(EMITTED_UP_TO)) {
                    low = Math.min(low, next.value);
                    reported++;
                }
            }
        }
        if (reported < settings.sourcePartitions()) {
            return; // a partition that has not reported yet may still send partials of any window
        }
        long lastStart = Math.floorDiv(low - windowMs, windowMs) * windowMs; // the last window with end <= low
        Long emitted = watermarks.get(EMITTED_UP_TO);
        long from = emitted == null ? 0 : emitted;
        if (lastStart < from) {
            return;
        }
        List<KeyValue<Windowed<String>, byte[]>> complete = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, byte[]> windows = merged.fetchAll(from, lastStart)) {
            windows.forEachRemaining(complete::add);
        }
        complete.sort(Comparator.comparingLong(kv -> kv.key.window().start()));
        for (KeyValue<Windowed<String>, byte[]> window : complete) {
            emit(window.key.key(), window.key.window().start(), WindowAggregate.fromBytes(window.value));
        }
        watermarks.put(EMITTED_UP_TO, lastStart + windowMs);
    }

    private void emit(String dimension, long start, WindowAggregate aggregate) {
        DimensionKey key = DimensionKey.parse(dimension);
        long end = start + windowMs;

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
                byte[] part = merged.fetch(dimension, s);
                if (part != null) {
                    hop.merge(WindowAggregate.fromBytes(part));
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
