package io.streamrag.monitor;

import io.streamrag.platform.config.ConfigException;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MonitorConfigTest {

    private static MonitorConfig config(Map<String, String> values) {
        return MonitorConfig.from(new ConfigReader(Settings.of(MonitorConfig.KEYS, values)));
    }

    @Test
    void shouldUseOneMinuteAndFiveMinuteWindowsAndTheDefaultRules_whenNothingIsSet() {
        // when
        MonitorConfig config = config(Map.of());

        // then
        assertThat(config.settings().window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.settings().hoppingLabel()).isEqualTo("5m/1m");
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.settings().rules()).extracting(AlertRule::metric)
                .containsExactly("p95_latency_ms", "hallucination_rate", "error_rate", "token_budget_used");
        assertThat(config.settings().rules().get(0).windowsToHold(Duration.ofMinutes(1))).isEqualTo(5);
        assertThat(config.settings().rules().get(3).dimension()).isEqualTo("tenant");
    }

    @Test
    void shouldReportEveryProblemAtOnce_whenRulesWindowsAndBudgetsAreBad() {
        // given
        Map<String, String> values = Map.of("monitor.alert.rules", "latency>>3,error_rate>0.1 for 5m",
                "monitor.window.hopping.size", "90s", "monitor.tenant.token.budgets", "acme:lots");

        // when / then
        assertThatThrownBy(() -> config(values)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(3))
                .hasMessageContaining("latency>>3").hasMessageContaining("hopping").hasMessageContaining("acme:lots");
    }

    @Test
    void shouldParseARuleWithDurationScopeAndSeverity() {
        // when
        AlertRule rule = AlertRule.parse("mean_groundedness<0.5 for 3m on model severity critical");

        // then
        assertThat(rule.above()).isFalse();
        assertThat(rule.breached(0.4)).isTrue();
        assertThat(rule.breached(0.6)).isFalse();
        assertThat(rule.holdFor()).isEqualTo(Duration.ofMinutes(3));
        assertThat(rule.appliesTo(new DimensionKey("model", "m"))).isTrue();
        assertThat(rule.appliesTo(new DimensionKey("tenant", "t"))).isFalse();
        assertThat(rule.severity()).isEqualTo("critical");
    }
}
