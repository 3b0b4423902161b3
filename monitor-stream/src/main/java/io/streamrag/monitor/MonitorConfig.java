package io.streamrag.monitor;

import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.kafka.Topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The monitor application's configuration: one immutable record, every key validated at start-up. */
public record MonitorConfig(String applicationId, Topics topics, MonitorSettings settings, String httpHost,
                            int httpPort, Optional<String> applicationServer, Optional<String> stateDir,
                            int streamThreads, long commitIntervalMs, long dashboardRefreshMs, int latestAnswers,
                            Map<String, Object> kafka) {

    public static final List<ConfigKey> MONITOR_KEYS = List.of(
            ConfigKey.of("kafka.bootstrap.servers", "localhost:9092", "Kafka bootstrap servers (every kafka.* key passes through to the clients)."),
            ConfigKey.of("monitor.application.id", "streamrag-monitor", "Kafka Streams application id (instances with the same id share the work)."),
            ConfigKey.of("monitor.window.size", "1m", "Tumbling window of every aggregate."),
            ConfigKey.of("monitor.window.hopping.size", "5m", "Hopping window also reported; a multiple of the window size."),
            ConfigKey.of("monitor.window.hopping.advance", "1m", "Advance of the hopping window; a multiple of the window size."),
            ConfigKey.of("monitor.window.grace", "30s", "How long after a window's end late events still count."),
            ConfigKey.of("monitor.retention", "1h", "How long windows stay queryable for the dashboard."),
            ConfigKey.of("monitor.idle.timeout", "1m", "After this long without telemetry a partition counts as caught up to the wall clock, so final windows are not held back by idle partitions."),
            ConfigKey.of("monitor.dedup.retention", "10m", "How long event ids are remembered to drop duplicates."),
            ConfigKey.of("monitor.error.statuses", "FAILED,TIMEOUT", "Answer statuses counted as errors."),
            ConfigKey.of("monitor.alert.rules", "p95_latency_ms>2000 for 5m,hallucination_rate>0.1,error_rate>0.05,token_budget_used>0.8",
                    "Alert rules, comma separated: metric>threshold [for 5m] [on tenant|model|template|overall] [severity critical]."),
            ConfigKey.of("monitor.tenant.token.budgets", "", "Token budget per tenant and UTC day: tenant:tokens, comma separated."),
            ConfigKey.of("monitor.drift.psi.threshold", "0.2", "Population stability index above which a feature is flagged as drifted."),
            ConfigKey.of("monitor.drift.min.samples", "50", "Observations a window (and the reference) needs before drift is measured."),
            ConfigKey.of("monitor.http.host", "0.0.0.0", "Address the dashboard and API bind to."),
            ConfigKey.of("monitor.http.port", "8080", "Dashboard, API and Prometheus port; 0 picks a free one."),
            ConfigKey.of("application.server", "", "host:port other instances reach this one's API at (default: this host and the bound port)."),
            ConfigKey.of("monitor.state.dir", "", "Kafka Streams state directory (default: a temporary directory)."),
            ConfigKey.of("monitor.stream.threads", "1", "Kafka Streams threads."),
            ConfigKey.of("monitor.commit.interval.ms", "500", "Commit interval; bounds how stale the live values can be."),
            ConfigKey.of("monitor.dashboard.refresh.ms", "1000", "How often the dashboard receives new values."),
            ConfigKey.of("monitor.answers.latest", "50", "Latest answers listed on the dashboard."));

    public static final List<ConfigKey> KEYS = Stream.concat(MONITOR_KEYS.stream(), Topics.KEYS.stream()).toList();

    public static MonitorConfig from(ConfigReader config) {
        Duration window = duration(config, "monitor.window.size");
        Duration hopSize = duration(config, "monitor.window.hopping.size");
        Duration hopAdvance = duration(config, "monitor.window.hopping.advance");
        boolean windowsValid = !window.isZero() && hopSize.toMillis() % window.toMillis() == 0
                && hopAdvance.toMillis() % window.toMillis() == 0 && hopAdvance.compareTo(hopSize) <= 0;
        if (!window.isZero() && !windowsValid) {
            config.problem("monitor.window.hopping.size and monitor.window.hopping.advance must be multiples of monitor.window.size, advance <= size");
        }
        List<AlertRule> rules = new ArrayList<>();
        for (String text : config.list("monitor.alert.rules")) {
            try {
                rules.add(AlertRule.parse(text));
            } catch (IllegalArgumentException e) {
                config.problem("monitor.alert.rules (MONITOR_ALERT_RULES): " + e.getMessage());
            }
        }
        Map<String, Long> budgets = new LinkedHashMap<>();
        for (String entry : config.list("monitor.tenant.token.budgets")) {
            int colon = entry.lastIndexOf(':');
            try {
                budgets.put(entry.substring(0, colon).strip(), Long.parseLong(entry.substring(colon + 1).strip()));
            } catch (RuntimeException e) {
                config.problem("monitor.tenant.token.budgets (MONITOR_TENANT_TOKEN_BUDGETS): '" + entry + "' is not tenant:tokens");
            }
        }
        MonitorSettings settings = !windowsValid ? null : new MonitorSettings(window, hopSize, hopAdvance,
                duration(config, "monitor.window.grace"),
                duration(config, "monitor.retention"), duration(config, "monitor.dedup.retention"),
                new LinkedHashSet<>(config.list("monitor.error.statuses")), rules, budgets,
                config.decimal("monitor.drift.psi.threshold", 0, 100),
                config.longValue("monitor.drift.min.samples", 1, Long.MAX_VALUE), TelemetryObserver.NONE,
                duration(config, "monitor.idle.timeout"), config.integer("topic.partitions", 1, 10_000));
        MonitorConfig result = new MonitorConfig(
                config.string("monitor.application.id"),
                Topics.from(config),
                settings,
                config.string("monitor.http.host"),
                config.integer("monitor.http.port", 0, 65535),
                config.optional("application.server"),
                config.optional("monitor.state.dir"),
                config.integer("monitor.stream.threads", 1, 64),
                config.longValue("monitor.commit.interval.ms", 10, 600_000),
                config.longValue("monitor.dashboard.refresh.ms", 100, 60_000),
                config.integer("monitor.answers.latest", 1, 1000),
                config.settings().kafkaProperties());
        config.validate();
        return result;
    }

    private static Duration duration(ConfigReader config, String key) {
        String raw = config.string(key);
        try {
            Duration d = Durations.parse(raw);
            if (!d.isNegative() && (d.toMillis() > 0 || key.endsWith("grace"))) {
                return d;
            }
        } catch (RuntimeException ignored) {
            // reported below
        }
        if (!raw.isEmpty()) {
            config.problem(key + " (" + ConfigKey.envName(key) + ") must be a duration like 30s, 1m or 500ms, not '" + raw + "'");
        }
        return Duration.ZERO;
    }

    @Override
    public String toString() {
        Map<String, Object> masked = new LinkedHashMap<>();
        kafka.forEach((k, v) -> masked.put(k, ConfigKey.looksSecret(k) ? "****" : v));
        return "MonitorConfig[applicationId=" + applicationId + ", settings=" + settings + ", http=" + httpHost + ":" + httpPort
                + ", applicationServer=" + applicationServer.orElse("<derived>") + ", kafka=" + masked + "]";
    }
}
