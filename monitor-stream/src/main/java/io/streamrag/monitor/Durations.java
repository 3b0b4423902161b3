package io.streamrag.monitor;

import java.time.Duration;
import java.util.Locale;

/** Durations in configuration: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or plain milliseconds. */
final class Durations {

    private Durations() {
    }

    static Duration parse(String raw) {
        String s = raw.strip().toLowerCase(Locale.ROOT);
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        long n = s.matches("\\d+[smhd]") ? Long.parseLong(s.substring(0, s.length() - 1)) : -1;
        return switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> Duration.ofMillis(Long.parseLong(s));
        };
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
