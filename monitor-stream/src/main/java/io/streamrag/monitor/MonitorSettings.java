package io.streamrag.monitor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the monitor topology needs to know: window sizes, how late events may be, how long duplicates are
 * remembered, the alert rules, token budgets, drift settings, and who observes counted events.
 *
 * @param window         the tumbling window every aggregate is kept in (1 minute)
 * @param hoppingSize    the hopping window reported as well (5 minutes); a multiple of {@code window}
 * @param hoppingAdvance how far hopping windows move (1 minute); a multiple of {@code window}
 * @param grace          how long after a window's end late events still count in it
 * @param retention      how long windows stay queryable for the dashboard
 * @param dedupRetention how long event ids are remembered to drop duplicates
 * @param tokenBudgets   tenant -> tokens per UTC day
 * @param idleTimeout    after this long without telemetry a partition counts as caught up to the wall clock
 * @param sourcePartitions partitions of the telemetry topic: a window is final once each has passed it
 */
public record MonitorSettings(Duration window, Duration hoppingSize, Duration hoppingAdvance, Duration grace,
                              Duration retention, Duration dedupRetention,
                              Set<String> errorStatuses, List<AlertRule> rules, Map<String, Long> tokenBudgets,
                              double driftThreshold, long driftMinSamples, TelemetryObserver observer,
                              Duration idleTimeout, int sourcePartitions) {

    public MonitorSettings {
        if (hoppingSize.toMillis() % window.toMillis() != 0 || hoppingAdvance.toMillis() % window.toMillis() != 0) {
            throw new IllegalArgumentException("hopping size and advance must be multiples of the window " + window);
        }
        errorStatuses = Set.copyOf(errorStatuses);
        rules = List.copyOf(rules);
        tokenBudgets = Map.copyOf(tokenBudgets);
    }

    public MonitorSettings withObserver(TelemetryObserver newObserver) {
        return new MonitorSettings(window, hoppingSize, hoppingAdvance, grace, retention, dedupRetention,
                errorStatuses, rules, tokenBudgets, driftThreshold, driftMinSamples, newObserver, idleTimeout, sourcePartitions);
    }

    public MonitorSettings withRules(List<AlertRule> newRules) {
        return new MonitorSettings(window, hoppingSize, hoppingAdvance, grace, retention, dedupRetention,
                errorStatuses, newRules, tokenBudgets, driftThreshold, driftMinSamples, observer, idleTimeout, sourcePartitions);
    }

    public MonitorSettings withSourcePartitions(int partitions) {
        return new MonitorSettings(window, hoppingSize, hoppingAdvance, grace, retention, dedupRetention,
                errorStatuses, rules, tokenBudgets, driftThreshold, driftMinSamples, observer, idleTimeout, partitions);
    }

    public String windowLabel() {
        return Durations.format(window);
    }

    public String hoppingLabel() {
        return Durations.format(hoppingSize) + "/" + Durations.format(hoppingAdvance);
    }

    /** How long the tumbling windows must be kept: queries, hopping merges and grace all read them. */
    Duration storeRetention() {
        Duration needed = hoppingSize.plus(grace).plus(window.multipliedBy(2));
        return retention.compareTo(needed) > 0 ? retention : needed;
    }
}
