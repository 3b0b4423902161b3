package io.streamrag.query;

import io.streamrag.events.QueryRequested;
import io.streamrag.query.prompt.Passage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** One request between reading and answering, owned by the stream thread of its task. */
final class Pending {

    private final QueryRequested request;
    private final long receivedAtMs;
    private final long deadlineMs;
    final List<String> flags = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean holdsSlot = new AtomicBoolean();

    boolean started;
    boolean done;
    long queueMs;
    // written by the asynchronous chain, read on the stream thread after its completion is queued
    volatile long embedMs;
    volatile long retrieveMs;
    volatile List<Passage> passages = List.of();
    volatile Double topScore;
    String templateId;
    int templateVersion;
    String requestedModel;
    CompletableFuture<LlmOutcome> future;
    // semantic cache: the scope and the tenant's documents generation, fixed on the stream thread when the call starts
    String cacheScope;
    long cacheGeneration;
    volatile float[] questionVector;
    volatile boolean cached;
    volatile long savedTokens;

    Pending(QueryRequested request, long receivedAtMs, long deadlineMs) {
        this.request = request;
        this.receivedAtMs = receivedAtMs;
        this.deadlineMs = deadlineMs;
    }

    QueryRequested request() {
        return request;
    }

    String id() {
        return request.getRequestId();
    }

    long receivedAtMs() {
        return receivedAtMs;
    }

    long deadlineMs() {
        return deadlineMs;
    }
}
