package io.streamrag.query.guard;

import java.util.List;

/** Whether a text is an attack, how confident the screen is (0..1), and the reasons a person can read. */
public record ScreenVerdict(boolean attack, double score, List<String> reasons) {

    public ScreenVerdict {
        reasons = List.copyOf(reasons);
    }

    public static ScreenVerdict clean() {
        return new ScreenVerdict(false, 0.0, List.of());
    }
}
