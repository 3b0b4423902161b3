package io.streamrag.monitor;

import io.streamrag.events.Telemetry;

import java.util.Arrays;
import java.util.List;

/**
 * One slice of the traffic: {@code overall=all}, {@code tenant=acme}, {@code model=mistral-small-latest} or
 * {@code template=support@3}. Its string form is the key of the window stores and of llmops.metrics.
 */
public record DimensionKey(String dimension, String value) {

    public static final String OVERALL = "overall";
    public static final String TENANT = "tenant";
    public static final String MODEL = "model";
    public static final String TEMPLATE = "template";
    private static final String OVERALL_KEY = OVERALL + "=all";

    /** The slices one telemetry event counts in. */
    static List<DimensionKey> of(Telemetry t) {
        return Arrays.stream(keysOf(t)).map(DimensionKey::parse).toList();
    }

    /** The string forms of {@link #of}, built without the intermediate keys (once per event on the hot path). */
    static String[] keysOf(Telemetry t) {
        String model = t.getRequestModel() == null ? "none" : t.getRequestModel();
        String templateId = t.getTemplateId() == null ? "none" : t.getTemplateId();
        return new String[]{OVERALL_KEY, TENANT + "=" + t.getTenant(), MODEL + "=" + model,
                TEMPLATE + "=" + templateId + "@" + t.getTemplateVersion()};
    }

    public static DimensionKey parse(String key) {
        int eq = key.indexOf('=');
        return eq < 0 ? new DimensionKey(OVERALL, "all") : new DimensionKey(key.substring(0, eq), key.substring(eq + 1));
    }

    @Override
    public String toString() {
        return dimension + "=" + value;
    }
}
