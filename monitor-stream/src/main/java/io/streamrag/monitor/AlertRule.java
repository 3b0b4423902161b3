package io.streamrag.monitor;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One alert rule: {@code metric>threshold [for 5m] [on tenant] [severity critical]}, e.g.
 * {@code p95_latency_ms>2000 for 5m} or {@code mean_groundedness<0.5 on model}. A rule is evaluated on every
 * final window of every dimension it applies to; it is raised once the condition has held for its duration
 * (consecutive windows) and cleared by the first window where it no longer holds.
 */
public record AlertRule(String id, String metric, boolean above, double threshold, Duration holdFor,
                        String dimension, String severity) {

    public static final List<String> METRICS = List.of("requests", "error_rate", "hallucination_rate",
            "mean_groundedness", "injection_blocks", "cache_hit_rate", "rate_limited_share", "cost_usd",
            "input_tokens", "output_tokens", "dead_letters", "p50_latency_ms", "p95_latency_ms", "p99_latency_ms",
            "token_budget_used", "drift_psi");

    private static final Pattern SYNTAX = Pattern.compile(
            "([a-z0-9_]+)\\s*([<>])\\s*([0-9.eE+-]+)(?:\\s+for\\s+(\\S+))?(?:\\s+on\\s+(overall|tenant|model|template))?(?:\\s+severity\\s+(\\w+))?");

    public static AlertRule parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("alert rule '" + text + "' is not 'metric>threshold [for 5m] [on tenant] [severity critical]'");
        }
        String metric = m.group(1);
        if (!METRICS.contains(metric)) {
            throw new IllegalArgumentException("alert rule '" + text + "': unknown metric " + metric + "; known: " + METRICS);
        }
        Duration hold = m.group(4) == null ? Duration.ZERO : Durations.parse(m.group(4));
        String dimension = m.group(5) != null ? m.group(5) : metric.equals("token_budget_used") ? DimensionKey.TENANT : "*";
        String severity = m.group(6) != null ? m.group(6) : "warning";
        String id = metric + m.group(2) + m.group(3) + (hold.isZero() ? "" : "_for_" + Durations.format(hold))
                + (dimension.equals("*") ? "" : "_on_" + dimension);
        return new AlertRule(id, metric, m.group(2).equals(">"), Double.parseDouble(m.group(3)), hold, dimension, severity);
    }

    boolean appliesTo(DimensionKey key) {
        return dimension.equals("*") || dimension.equals(key.dimension());
    }

    boolean breached(double value) {
        return !Double.isNaN(value) && (above ? value > threshold : value < threshold);
    }

    /** How many consecutive windows of the given size must breach before the alert is raised. */
    int windowsToHold(Duration window) {
        return (int) Math.max(1, (holdFor.toMillis() + window.toMillis() - 1) / window.toMillis());
    }

    @Override
    public String toString() {
        return metric + (above ? ">" : "<") + threshold + (holdFor.isZero() ? "" : " for " + Durations.format(holdFor));
    }
}
