package io.streamrag.platform.ops;

import io.streamrag.platform.config.ConfigKey;
import org.slf4j.MDC;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The ids every log line about one request or document carries ({@code request_id}, {@code correlation_id}, and the
 * tenant), put in the logging MDC around the work on that record and removed afterwards, on the stream thread and
 * on the threads of the asynchronous stages alike. With {@code log.format=json} they become fields of each line.
 */
public final class LogContext {

    public static final String REQUEST_ID = "request_id";
    public static final String CORRELATION_ID = "correlation_id";
    public static final String TENANT = "tenant";

    /** The log format key, read by the command line before anything else logs. */
    public static final ConfigKey FORMAT = ConfigKey.of("log.format", "text",
            "Log lines on stderr: text, or json (one object per line with request_id and correlation_id when the line is about a request or document).");
    public static final List<ConfigKey> KEYS = List.of(FORMAT);

    private LogContext() {
    }

    /** The MDC entries of one record; null or empty ids are left out. */
    public static Map<String, String> of(String requestId, String correlationId, String tenant) {
        Map<String, String> ids = new LinkedHashMap<>();
        put(ids, REQUEST_ID, requestId);
        put(ids, CORRELATION_ID, correlationId);
        put(ids, TENANT, tenant);
        return ids;
    }

    private static void put(Map<String, String> ids, String key, String value) {
        if (value != null && !value.isEmpty()) {
            ids.put(key, value);
        }
    }

    /**
     * Puts the ids in the MDC until the scope closes, then restores what was there before (a nested scope on the
     * same thread leaves the outer one intact).
     */
    public static Scope open(Map<String, String> ids) {
        Map<String, String> previous = new LinkedHashMap<>();
        for (String key : ids.keySet()) {
            previous.put(key, MDC.get(key));
        }
        ids.forEach(MDC::put);
        return () -> previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }

    public static Scope open(String requestId, String correlationId, String tenant) {
        return open(of(requestId, correlationId, tenant));
    }

    /** An executor that runs each task with the given ids in the MDC (a pooled thread keeps nothing afterwards). */
    public static Executor with(Map<String, String> ids, Executor executor) {
        if (ids.isEmpty()) {
            return executor;
        }
        Map<String, String> fixed = Map.copyOf(ids);
        return task -> executor.execute(() -> {
            try (Scope ignored = open(fixed)) {
                task.run();
            }
        });
    }

    /** The ids of a record for as long as its work runs on this thread. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
