package io.streamrag.query.llm;

import io.streamrag.query.llm.stub.MistralWireStub;
import io.streamrag.query.llm.stub.MistralWireStub.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import static io.streamrag.query.llm.MistralLlmClientTest.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries, Retry-After, deadline, circuit breaker, fallback and routing, over real HTTP against the Mistral wire
 * stub. Retry waits go through a recording delayer that runs the retry at once, so the test checks the wait the
 * client chose instead of measuring wall time.
 */
class ResilientLlmClientTest {

    private static final Duration BASE = Duration.ofMillis(100);

    private final MistralWireStub stub = MistralWireStub.start("test-key", Duration.ZERO);
    private final List<Long> waits = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock();
    private ResilientLlmClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        stub.close();
    }

    private ResilientLlmClient client(int maxRetries, int circuitThreshold, LlmClient fallback, Optional<String> cheapModel,
                                      Duration attemptTimeout) {
        var policy = new ResilientLlmClient.Policy(maxRetries, BASE, Duration.ofSeconds(5), circuitThreshold,
                Duration.ofSeconds(30), cheapModel, 48, 1200);
        var mistral = new MistralLlmClient(stub.baseUrl(), "test-key", "mistral-large-latest", attemptTimeout);
        client = new ResilientLlmClient(mistral, fallback, policy, (ms, retry) -> {
            waits.add(ms);
            clock.advanceMs(ms);
            retry.run();
        }, clock, RandomGenerator.getDefault());
        return client;
    }

    private ResilientLlmClient client(int maxRetries) {
        return client(maxRetries, 100, null, Optional.empty(), Duration.ofSeconds(5));
    }

    @Test
    void shouldWaitRetryAfterThenSucceed_whenRateLimited() throws Exception {
        // given
        stub.enqueue(Fault.rateLimited(2));

        // when
        LlmResponse response = client(3).complete(LlmRequests.refundQuestion(Duration.ofSeconds(30))).get(10, TimeUnit.SECONDS);

        // then
        assertThat(waits).containsExactly(2000L);
        assertThat(response.attempts()).isEqualTo(2);
        assertThat(stub.calls()).isEqualTo(2);
    }

    @Test
    void shouldRetryWithJitteredBackoff_whenServerErrorsThenRecovers() throws Exception {
        // given
        stub.enqueue(Fault.serverError(), Fault.unavailable(-1));

        // when
        LlmResponse response = client(3).complete(LlmRequests.refundQuestion(Duration.ofSeconds(30))).get(10, TimeUnit.SECONDS);

        // then
        assertThat(response.text()).contains("14 days");
        assertThat(response.attempts()).isEqualTo(3);
        assertThat(waits).hasSize(2);
        assertThat(waits.get(0)).isBetween(BASE.toMillis() / 2, BASE.toMillis());
        assertThat(waits.get(1)).isBetween(BASE.toMillis(), 2 * BASE.toMillis());
    }

    @Test
    void shouldFailServerErrorAfterAllRetries_whenServerKeepsFailing() {
        // given
        stub.failAlways(Fault.serverError());

        // when
        LlmException failure = failureOf(client(2).complete(LlmRequests.refundQuestion(Duration.ofSeconds(30))));

        // then
        assertThat(failure.kind()).isEqualTo(LlmException.Kind.SERVER_ERROR);
        assertThat(failure.getMessage()).contains("after 3 attempts");
        assertThat(stub.calls()).isEqualTo(3);
    }

    @Test
    void shouldNotRetry_whenBodyIsMalformed() {
        // given
        stub.enqueue(Fault.malformed());

        // when
        LlmException failure = failureOf(client(3).complete(LlmRequests.refundQuestion(Duration.ofSeconds(30))));

        // then
        assertThat(failure.kind()).isEqualTo(LlmException.Kind.BAD_RESPONSE);
        assertThat(stub.calls()).isEqualTo(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void shouldRetryThenFailTimeout_whenServerHangs() {
        // given
        stub.failAlways(Fault.hang());

        // when
        LlmException failure = failureOf(client(1, 100, null, Optional.empty(), Duration.ofMillis(400))
                .complete(LlmRequests.refundQuestion(Duration.ofSeconds(30))));

        // then
        assertThat(failure.kind()).isEqualTo(LlmException.Kind.TIMEOUT);
        assertThat(stub.calls()).isEqualTo(2);
    }

    @Test
    void shouldFailDeadlineExceededWithoutWaiting_whenRetryAfterEndsPastDeadline() {
        // given
        stub.enqueue(Fault.rateLimited(60));

        // when
        LlmException failure = failureOf(client(3).complete(LlmRequests.refundQuestion(Duration.ofSeconds(5))));

        // then
        assertThat(failure.kind()).isEqualTo(LlmException.Kind.DEADLINE_EXCEEDED);
        assertThat(waits).isEmpty();
        assertThat(stub.calls()).isEqualTo(1);
    }

    @Test
    void shouldGiveUpWithoutWaiting_whenRetryAfterIsLongerThanLongestBackoff() {
        // given: no deadline, but the server asks for a minute (the longest backoff here is 5 s)
        stub.enqueue(Fault.rateLimited(60));

        // when
        LlmException failure = failureOf(client(3).complete(LlmRequests.refundQuestion(null)));

        // then
        assertThat(failure.kind()).isEqualTo(LlmException.Kind.RATE_LIMITED);
        assertThat(failure.retryAfterMs()).isEqualTo(60_000);
        assertThat(waits).isEmpty();
    }

    @Test
    void shouldStopRunningAttempt_whenCallerCancels() throws Exception {
        // given
        stub.latency(Duration.ofSeconds(20));
        var future = client(3).complete(LlmRequests.refundQuestion(null));
        while (stub.calls() == 0) {
            Thread.sleep(10);
        }

        // when
        future.cancel(true);
        Thread.sleep(200);

        // then
        assertThat(future).isCancelled();
        assertThat(stub.calls()).isEqualTo(1);
        assertThat(waits).as("no retry after a cancel").isEmpty();
    }

    @Test
    void shouldDropDeadlineWatchdogs_whenCallsCompleteLongBeforeTheirDeadlines() throws Exception {
        // given
        ResilientLlmClient resilient = client(3);

        // when
        for (int i = 0; i < 20; i++) {
            resilient.complete(LlmRequests.refundQuestion(Duration.ofMinutes(10))).get(10, TimeUnit.SECONDS);
        }

        // then: no timer (and no finished response it would keep reachable) waits out the ten minutes
        assertThat(stub.calls()).isEqualTo(20);
        assertThat(resilient.pendingTimers()).isZero();
    }

    @Test
    void shouldCancelAttemptAtDeadline_whenServerIsSlowerThanDeadline() {
        // given
        stub.latency(Duration.ofSeconds(20));

        // when
        LlmException failure = failureOf(client(3, 100, null, Optional.empty(), Duration.ofSeconds(30))
                .complete(LlmRequests.refundQuestion(Duration.ofMillis(500))));

        // then
        assertThat(failure.kind()).isEqualTo(LlmException.Kind.DEADLINE_EXCEEDED);
        assertThat(stub.calls()).isEqualTo(1);
    }

    @Test
    void shouldOpenCircuitAndFailFast_whenFailuresReachThreshold() {
        // given
        stub.failAlways(Fault.serverError());
        ResilientLlmClient resilient = client(0, 3, null, Optional.empty(), Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            assertThat(failureOf(resilient.complete(LlmRequests.refundQuestion(null))).kind()).isEqualTo(LlmException.Kind.SERVER_ERROR);
        }

        // when
        LlmException failure = failureOf(resilient.complete(LlmRequests.refundQuestion(null)));

        // then
        assertThat(failure.kind()).isEqualTo(LlmException.Kind.CIRCUIT_OPEN);
        assertThat(resilient.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(stub.calls()).as("an open circuit sends nothing").isEqualTo(3);
    }

    @Test
    void shouldCloseCircuitAfterSuccessfulProbe_whenOpenTimeHasPassed() throws Exception {
        // given
        stub.failAlways(Fault.serverError());
        ResilientLlmClient resilient = client(0, 2, null, Optional.empty(), Duration.ofSeconds(5));
        failureOf(resilient.complete(LlmRequests.refundQuestion(null)));
        failureOf(resilient.complete(LlmRequests.refundQuestion(null)));
        stub.recover();

        // when
        clock.advanceMs(30_000);
        CircuitBreaker.State beforeProbe = resilient.circuitState();
        LlmResponse probe = resilient.complete(LlmRequests.refundQuestion(null)).get(10, TimeUnit.SECONDS);

        // then
        assertThat(beforeProbe).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(probe.text()).contains("14 days");
        assertThat(resilient.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void shouldReopenCircuit_whenProbeFails() {
        // given
        stub.failAlways(Fault.serverError());
        ResilientLlmClient resilient = client(0, 2, null, Optional.empty(), Duration.ofSeconds(5));
        failureOf(resilient.complete(LlmRequests.refundQuestion(null)));
        failureOf(resilient.complete(LlmRequests.refundQuestion(null)));
        clock.advanceMs(30_000);

        // when
        LlmException probe = failureOf(resilient.complete(LlmRequests.refundQuestion(null)));
        LlmException next = failureOf(resilient.complete(LlmRequests.refundQuestion(null)));

        // then
        assertThat(probe.kind()).isEqualTo(LlmException.Kind.SERVER_ERROR);
        assertThat(next.kind()).isEqualTo(LlmException.Kind.CIRCUIT_OPEN);
        assertThat(stub.calls()).isEqualTo(3);
    }

    @Test
    void shouldAnswerFromOfflineFallback_whenPrimaryIsDown() throws Exception {
        // given
        stub.failAlways(Fault.serverError());
        ResilientLlmClient resilient = client(1, 100, new OfflineExtractiveAnswerer(), Optional.empty(), Duration.ofSeconds(5));

        // when
        LlmResponse response = resilient.complete(LlmRequests.refundQuestion(Duration.ofSeconds(30))).get(10, TimeUnit.SECONDS);

        // then
        assertThat(response.provider()).isEqualTo(OfflineExtractiveAnswerer.PROVIDER);
        assertThat(response.model()).isEqualTo(OfflineExtractiveAnswerer.MODEL);
        assertThat(response.text()).contains("Refunds are accepted within 14 days of purchase.");
        assertThat(response.attempts()).isEqualTo(3);
    }

    @Test
    void shouldRouteToCheapModel_whenRequestIsSimple() throws Exception {
        // given
        ResilientLlmClient resilient = client(0, 100, null, Optional.of("open-mistral-nemo"), Duration.ofSeconds(5));
        String longPassage = "The warranty covers manufacturing defects for two years after delivery. ".repeat(120);

        // when
        LlmResponse simple = resilient.complete(LlmRequests.refundQuestion(null)).get(10, TimeUnit.SECONDS);
        LlmResponse large = resilient.complete(LlmRequests.question("What does the warranty cover?", List.of(longPassage), null))
                .get(10, TimeUnit.SECONDS);
        LlmResponse pinned = resilient.complete(LlmRequests.refundQuestion(null).withModel("mistral-medium-latest"))
                .get(10, TimeUnit.SECONDS);

        // then
        assertThat(stub.models()).containsExactly("open-mistral-nemo", "mistral-large-latest", "mistral-medium-latest");
        assertThat(simple.model()).isEqualTo("open-mistral-nemo");
        assertThat(large.model()).isEqualTo("mistral-large-latest");
        assertThat(pinned.model()).isEqualTo("mistral-medium-latest");
    }
}
