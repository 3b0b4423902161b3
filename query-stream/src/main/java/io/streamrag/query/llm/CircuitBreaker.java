package io.streamrag.query.llm;

import java.time.Clock;

/**
 * Closed, open, half-open. After {@code failureThreshold} consecutive failures the circuit opens and calls fail
 * fast; after {@code openMs} one probe call is let through (half-open): its success closes the circuit, its
 * failure opens it again. Outcomes that show the server is alive but unwilling (rate limited, rejected) are
 * neutral: they neither count as failures nor close the circuit.
 */
public final class CircuitBreaker {

    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final int failureThreshold;
    private final long openMs;
    private final Clock clock;

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openedAt;
    private boolean probeInFlight;

    public CircuitBreaker(int failureThreshold, long openMs, Clock clock) {
        if (failureThreshold < 1 || openMs < 0) {
            throw new IllegalArgumentException("failureThreshold >= 1 and openMs >= 0");
        }
        this.failureThreshold = failureThreshold;
        this.openMs = openMs;
        this.clock = clock;
    }

    /** Whether a call may go out now; in half-open state only one probe at a time. */
    public synchronized boolean tryAcquire() {
        switch (state) {
            case CLOSED -> {
                return true;
            }
            case OPEN -> {
                if (clock.millis() - openedAt < openMs) {
                    return false;
                }
                state = State.HALF_OPEN;
                probeInFlight = true;
                return true;
            }
            default -> {
                if (probeInFlight) {
                    return false;
                }
                probeInFlight = true;
                return true;
            }
        }
    }

    public synchronized void onSuccess() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        probeInFlight = false;
    }

    public synchronized void onFailure() {
        probeInFlight = false;
        if (state == State.HALF_OPEN) {
            open();
            return;
        }
        consecutiveFailures++;
        if (state == State.CLOSED && consecutiveFailures >= failureThreshold) {
            open();
        }
    }

    /** The call ended without saying anything about the server's health. */
    public synchronized void onNeutral() {
        probeInFlight = false;
    }

    public synchronized State state() {
        if (state == State.OPEN && clock.millis() - openedAt >= openMs) {
            return State.HALF_OPEN;
        }
        return state;
    }

    /** Milliseconds until an open circuit lets a probe through (0 when not open). */
    public synchronized long remainingOpenMs() {
        return state == State.OPEN ? Math.max(0, openMs - (clock.millis() - openedAt)) : 0;
    }

    private void open() {
        state = State.OPEN;
        openedAt = clock.millis();
        consecutiveFailures = 0;
    }
}
