package io.streamrag.schemas;

import io.streamrag.events.EventHeader;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** Builds the {@link EventHeader} every event carries. */
public final class Events {

    private Events() {
    }

    /** A header with a fresh event id, now, and the given correlation id. */
    public static EventHeader header(String correlationId) {
        return header(correlationId, Clock.systemUTC());
    }

    public static EventHeader header(String correlationId, Clock clock) {
        return EventHeader.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setTimestamp(Instant.ofEpochMilli(clock.millis()))
                .setCorrelationId(correlationId)
                .build();
    }

    /** A header whose event id is derived from a stable name, so a replayed event keeps its id. */
    public static EventHeader deterministicHeader(String name, String correlationId, long timestampMs) {
        return EventHeader.newBuilder()
                .setEventId(UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString())
                .setTimestamp(Instant.ofEpochMilli(timestampMs))
                .setCorrelationId(correlationId)
                .build();
    }
}
