package io.streamrag.query.llm;

import io.streamrag.platform.text.Tokens;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/**
 * Makes an LLM provider dependable without blocking anybody:
 * <ul>
 *   <li>routing: a request naming no model goes to the cheap model when one is configured and the request is
 *   simple (short question, small context), else to the provider's default model;</li>
 *   <li>retries of rate-limited, server-error and timed-out attempts with exponential backoff and jitter, waiting
 *   at least the server's Retry-After (a Retry-After longer than the longest backoff ends the retries); waits
 *   are scheduled, never slept;</li>
 *   <li>the request's deadline bounds everything: no attempt starts after it, a running attempt is cancelled at
 *   it, and a retry whose wait would end after it is not made;</li>
 *   <li>a {@link CircuitBreaker} that fails fast with {@code CIRCUIT_OPEN} while the provider is down;</li>
 *   <li>a fallback client that answers when the primary fails for good (after retries, circuit open, or no time
 *   left for another retry) while the deadline has not passed. The answer then names the fallback's provider.</li>
 * </ul>
 */
public final class ResilientLlmClient implements LlmClient {

    /** How the decorator retries, breaks the circuit and routes. */
    public record Policy(int maxRetries, Duration retryBase, Duration retryMax, int circuitFailureThreshold,
                         Duration circuitOpen, Optional<String> cheapModel, int simpleQuestionTokens,
                         int simpleContextTokens) {

        public static Policy defaults() {
            return new Policy(3, Duration.ofMillis(500), Duration.ofSeconds(20), 5, Duration.ofSeconds(30),
                    Optional.empty(), 48, 1200);
        }

        public Policy withCheapModel(String model) {
            return new Policy(maxRetries, retryBase, retryMax, circuitFailureThreshold, circuitOpen,
                    Optional.ofNullable(model), simpleQuestionTokens, simpleContextTokens);
        }
    }

    /** Runs an action after a delay without holding a thread while waiting. */
    @FunctionalInterface
    public interface Delayer {
        void after(long delayMs, Runnable action);
    }

    private final LlmClient primary;
    private final LlmClient fallback;
    private final Policy policy;
    private final Clock clock;
    private final RandomGenerator random;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Delayer delayer;
    private final CircuitBreaker breaker;

    public ResilientLlmClient(LlmClient primary, LlmClient fallback, Policy policy) {
        this(primary, fallback, policy, null, Clock.systemUTC(), RandomGenerator.getDefault());
    }

    /**
     * @param fallback may be null
     * @param delayer  null: retries wait on this client's scheduler (tests pass one that records the waits)
     */
    public ResilientLlmClient(LlmClient primary, LlmClient fallback, Policy policy, Delayer delayer, Clock clock,
                              RandomGenerator random) {
        this.primary = primary;
        this.fallback = fallback;
        this.policy = policy;
        this.clock = clock;
        this.random = random;
        // One daemon thread that only fires timers; the work it starts is asynchronous. A deadline watchdog is
        // cancelled when its call completes, almost always long before the deadline: removed at once, it does not
        // keep the finished call's response reachable (and copied by every young collection) until the deadline.
        this.scheduler = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("llm-timers").factory());
        scheduler.setRemoveOnCancelPolicy(true);
        this.delayer = delayer != null ? delayer : (ms, action) -> scheduler.schedule(action, ms, TimeUnit.MILLISECONDS);
        this.breaker = new CircuitBreaker(policy.circuitFailureThreshold(), policy.circuitOpen().toMillis(), clock);
    }

    @Override
    public CompletableFuture<LlmResponse> complete(LlmRequest request) {
        CompletableFuture<LlmResponse> result = new CompletableFuture<>();
        AtomicReference<CompletableFuture<LlmResponse>> inFlight = new AtomicReference<>();
        // A caller that gives up (cancels) also stops the running attempt and any retry still to come.
        result.whenComplete((response, error) -> {
            CompletableFuture<LlmResponse> running = inFlight.get();
            if (error instanceof CancellationException && running != null) {
                running.cancel(true);
            }
        });
        attempt(route(request), 1, result, inFlight);
        return result;
    }

    /** The request as it will be sent: with the cheap model when it is simple and names no model. */
    public LlmRequest route(LlmRequest request) {
        if ((request.model() != null && !request.model().isBlank()) || policy.cheapModel().isEmpty()) {
            return request;
        }
        return isSimple(request) ? request.withModel(policy.cheapModel().get()) : request;
    }

    /** Simple: a short question over a small context, the kind a small model answers as well as a large one. */
    public boolean isSimple(LlmRequest request) {
        int contextTokens = request.contextPassages().stream().mapToInt(Tokens::estimate).sum();
        return Tokens.estimate(request.question()) <= policy.simpleQuestionTokens()
                && contextTokens <= policy.simpleContextTokens();
    }

    /** Timers still waiting: deadline watchdogs of calls in flight and retries to come. */
    int pendingTimers() {
        return scheduler.getQueue().size();
    }

    public CircuitBreaker.State circuitState() {
        return breaker.state();
    }

    private void attempt(LlmRequest request, int attempt, CompletableFuture<LlmResponse> result,
                         AtomicReference<CompletableFuture<LlmResponse>> inFlight) {
        if (result.isDone()) {
            return; // cancelled by the caller
        }
        if (remainingMs(request) <= 0) {
            giveUp(request, attempt - 1, new LlmException(LlmException.Kind.DEADLINE_EXCEEDED,
                    "deadline passed before attempt " + attempt), result);
            return;
        }
        if (!breaker.tryAcquire()) {
            giveUp(request, attempt - 1, new LlmException(LlmException.Kind.CIRCUIT_OPEN, primary.provider()
                    + " circuit is open for another " + breaker.remainingOpenMs() + " ms"), result);
            return;
        }
        AtomicBoolean cancelledAtDeadline = new AtomicBoolean();
        CompletableFuture<LlmResponse> call = primary.complete(request);
        inFlight.set(call);
        ScheduledFuture<?> watchdog = watch(request, call, cancelledAtDeadline);
        call.whenComplete((response, error) -> {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            if (error == null) {
                breaker.onSuccess();
                result.complete(new LlmResponse(response.text(), response.provider(), response.model(),
                        response.inputTokens(), response.outputTokens(), attempt));
                return;
            }
            LlmException failure = cancelledAtDeadline.get()
                    ? new LlmException(LlmException.Kind.DEADLINE_EXCEEDED, "deadline passed during attempt " + attempt)
                    : unwrap(error);
            record(failure);
            if (!failure.kind().retryable() || attempt > policy.maxRetries()) {
                giveUp(request, attempt, failure, result);
                return;
            }
            long delay = backoffMs(attempt, failure.retryAfterMs());
            if (request.deadline() != null && delay >= remainingMs(request)) {
                giveUp(request, attempt, new LlmException(LlmException.Kind.DEADLINE_EXCEEDED, "the next retry in "
                        + delay + " ms would pass the deadline; last error: " + failure.getMessage(), failure.retryAfterMs(), failure), result);
                return;
            }
            if (failure.retryAfterMs() > policy.retryMax().toMillis()) {
                giveUp(request, attempt, new LlmException(failure.kind(), "the server asks to wait " + failure.retryAfterMs()
                        + " ms, longer than llm retries wait; " + failure.getMessage(), failure.retryAfterMs(), failure), result);
                return;
            }
            delayer.after(delay, () -> attempt(request, attempt + 1, result, inFlight));
        });
    }

    /** Cancels the running attempt when the request's deadline passes. */
    private ScheduledFuture<?> watch(LlmRequest request, CompletableFuture<LlmResponse> call, AtomicBoolean fired) {
        if (request.deadline() == null) {
            return null;
        }
        return scheduler.schedule(() -> {
            fired.set(true);
            call.cancel(true);
        }, Math.max(0, remainingMs(request)), TimeUnit.MILLISECONDS);
    }

    private void record(LlmException failure) {
        switch (failure.kind()) {
            case SERVER_ERROR, TIMEOUT, BAD_RESPONSE -> breaker.onFailure();
            default -> breaker.onNeutral();
        }
    }

    /** Exponential backoff with equal jitter, never shorter than the server's Retry-After. */
    long backoffMs(int attempt, long retryAfterMs) {
        long exponential = Math.min(policy.retryMax().toMillis(),
                policy.retryBase().toMillis() << Math.min(attempt - 1, 20));
        long jittered = exponential / 2 + (exponential > 1 ? random.nextLong(exponential / 2 + 1) : 0);
        return Math.max(jittered, retryAfterMs);
    }

    private void giveUp(LlmRequest request, int attempts, LlmException failure, CompletableFuture<LlmResponse> result) {
        if (result.isDone()) {
            return; // cancelled by the caller: nobody waits for a fallback
        }
        LlmException reported = attempts > 1
                ? new LlmException(failure.kind(), primary.provider() + " failed after " + attempts + " attempts: "
                + failure.getMessage(), failure.retryAfterMs(), failure)
                : failure;
        if (fallback == null || remainingMs(request) <= 0) {
            result.completeExceptionally(reported);
            return;
        }
        CompletableFuture<LlmResponse> call = fallback.complete(request.withModel(null));
        AtomicBoolean cancelledAtDeadline = new AtomicBoolean();
        ScheduledFuture<?> watchdog = watch(request, call, cancelledAtDeadline);
        call.whenComplete((response, error) -> {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            if (error == null) {
                result.complete(new LlmResponse(response.text(), response.provider(), response.model(),
                        response.inputTokens(), response.outputTokens(), attempts + response.attempts()));
            } else {
                reported.addSuppressed(cancelledAtDeadline.get()
                        ? new LlmException(LlmException.Kind.DEADLINE_EXCEEDED, "deadline passed during the fallback")
                        : unwrap(error));
                result.completeExceptionally(reported);
            }
        });
    }

    private long remainingMs(LlmRequest request) {
        return request.deadline() == null ? Long.MAX_VALUE : request.deadline().toEpochMilli() - clock.millis();
    }

    static LlmException unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof LlmException e) {
            return e;
        }
        if (t instanceof CancellationException) {
            return new LlmException(LlmException.Kind.DEADLINE_EXCEEDED, "call cancelled");
        }
        return new LlmException(LlmException.Kind.BAD_RESPONSE, "unexpected failure: " + t, -1, t);
    }

    @Override
    public String provider() {
        return primary.provider();
    }

    @Override
    public String defaultModel() {
        return primary.defaultModel();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        primary.close();
        if (fallback != null) {
            fallback.close();
        }
    }

    @Override
    public String toString() {
        return "ResilientLlmClient[primary=" + primary + ", fallback=" + fallback + ", circuit=" + breaker.state() + "]";
    }
}
