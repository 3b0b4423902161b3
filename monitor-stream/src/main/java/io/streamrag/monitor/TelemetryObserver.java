package io.streamrag.monitor;

import io.streamrag.events.Telemetry;

/** Sees every telemetry event the topology counts (after duplicates and late events are dropped). */
public interface TelemetryObserver {

    TelemetryObserver NONE = new TelemetryObserver() {
    };

    default void counted(Telemetry telemetry) {
    }

    default void undecodable(String reason) {
    }

    default void duplicate() {
    }

    default void late() {
    }
}
