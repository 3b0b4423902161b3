package io.streamrag.query.check;

import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.query.guard.HeuristicInjectionScreen;
import io.streamrag.query.guard.PromptLeakDetector;

import java.util.List;
import java.util.Locale;

/** Thresholds of the answer checks: groundedness, injection screening and system-prompt leak detection. */
public record ChecksConfig(double groundednessThreshold, double injectionThreshold, int leakMinSpanWords) {

    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of("checks.groundedness.threshold", Double.toString(SentenceGroundednessChecker.DEFAULT_THRESHOLD),
                    "An answer is flagged hallucinated when its weakest sentence's support is below this (0-1)."),
            ConfigKey.of("checks.injection.threshold", Double.toString(HeuristicInjectionScreen.DEFAULT_THRESHOLD),
                    "A question or chunk whose injection score reaches this (0-1) is an attack."),
            ConfigKey.of("checks.leak.min.span.words", Integer.toString(PromptLeakDetector.DEFAULT_MIN_SPAN_WORDS),
                    "Words of the system prompt repeated verbatim in a row that count as a prompt leak."));

    public static ChecksConfig defaults() {
        return new ChecksConfig(SentenceGroundednessChecker.DEFAULT_THRESHOLD, HeuristicInjectionScreen.DEFAULT_THRESHOLD,
                PromptLeakDetector.DEFAULT_MIN_SPAN_WORDS);
    }

    public static ChecksConfig from(ConfigReader config) {
        return new ChecksConfig(
                config.decimal("checks.groundedness.threshold", 0.01, 0.99),
                config.decimal("checks.injection.threshold", 0.01, 1.0),
                config.integer("checks.leak.min.span.words", 3, 1000));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ChecksConfig[groundednessThreshold=%.2f, injectionThreshold=%.2f, leakMinSpanWords=%d]",
                groundednessThreshold, injectionThreshold, leakMinSpanWords);
    }
}
