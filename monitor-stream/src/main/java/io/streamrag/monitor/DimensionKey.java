package io.streamrag.monitor;

import io.streamrag.events.Telemetry;

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

    /** The slices one telemetry event counts in. */
    static List<DimensionKey> of(Telemetry t) {
        String model = t.getRequestModel() == null ? "none" : t.getRequestModel();
        String template = (t.getTemplateId() == null ? "none" : t.getTemplateId()) + "@" + t.getTemplateVersion();
        return List.of(new DimensionKey(OVERALL, "all"), new DimensionKey(TENANT, t.getTenant()),
                new DimensionKey(MODEL, model), new DimensionKey(TEMPLATE, template));
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
