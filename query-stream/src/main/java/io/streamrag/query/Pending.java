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
    final List<String> flags = new ArrayList<>();
    final AtomicBoolean holdsSlot = new AtomicBoolean();

    boolean started;
    boolean done;
    long queueMs;
    long embedMs;
    long retrieveMs;
    String templateId;
    int templateVersion;
    String requestedModel;
    List<Passage> passages = List.of();
    Double topScore;
    CompletableFuture<LlmOutcome> future;

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
