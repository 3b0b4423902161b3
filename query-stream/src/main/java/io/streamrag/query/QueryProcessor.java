package io.streamrag.query;

import io.streamrag.events.AnswerStatus;
import io.streamrag.events.DeadLetter;
import io.streamrag.events.PromptTemplate;
import io.streamrag.events.QueryRequested;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.kafka.DeadLetters;
import io.streamrag.platform.ops.LogContext;
import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchRequest;
import io.streamrag.platform.vector.VectorStore;
import io.streamrag.query.governance.SemanticCache;
import io.streamrag.query.guard.PromptLeakDetector;
import io.streamrag.query.guard.ScreenVerdict;
import io.streamrag.query.llm.LlmException;
import io.streamrag.query.llm.LlmRequest;
import io.streamrag.query.prompt.BundledTemplates;
import io.streamrag.query.prompt.OutputFormat;
import io.streamrag.query.prompt.Passage;
import io.streamrag.query.prompt.PromptRenderer;
import io.streamrag.query.prompt.RenderedPrompt;
import io.streamrag.query.prompt.TemplateSelector;
import io.streamrag.schemas.AvroSerde;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The query stream's request handling: decode → dedupe → validate → guard (tenant proof, injection screen) → (wait
 * for an LLM slot, fair across tenants) → asynchronously: embed → semantic cache → retrieve (tenant- and ACL-scoped,
 * hybrid; poisoned chunks left out) → render (with a canary) → LLM call → checks (leak, PII, groundedness) → answer
 * + telemetry.
 *
 * <p>Without tenant limits one processor does all of it ({@link Stage#WHOLE}). With limits the request topic's
 * partitions (keyed by request id) do not see a tenant's whole traffic, so the work is split around
 * {@link TenantLimits.Admission}: {@link Stage#INTAKE} decodes, dedupes, validates and guards, and forwards each
 * screened request keyed by tenant ({@link HandOff}); {@link Stage#LLM} takes admitted requests keyed by request id
 * and also forwards what each answer spent (tenant -> tokens) for {@link TenantLimits.Charge}.
 *
 * <p>Neither the LLM call nor the embedding runs on the stream thread. {@link #process} records each accepted request in the
 * changelogged in-flight store and starts its call when a slot is free; completions land on a concurrent queue and
 * are turned into answers on the stream thread by a short wall-clock punctuator (and while {@code process} waits for
 * room in a full waiting queue: that wait is the backpressure). The answer, the deletion of the in-flight entry and
 * the request id in the answered store are written in one task transaction under exactly-once, so after a crash the
 * restored in-flight entries are re-issued and the answered store drops redeliveries: one answer per request.
 */
final class QueryProcessor implements Processor<String, byte[], String, Object> {

    /** Which part of the request handling this processor does. */
    enum Stage { WHOLE, INTAKE, LLM }

    static final String ANSWERS = "answers";
    static final String TELEMETRY = "telemetry";
    static final String DEAD_LETTERS = "dead-letters";

    private static final Logger LOG = LoggerFactory.getLogger(QueryProcessor.class);
    private static final AvroSerde<QueryRequested> REQUESTS = AvroSerde.of(QueryRequested.class);

    private final Stage stage;
    private final QueryTopology.Ports ports;
    private final QuerySettings settings;
    private final Capacity capacity;
    private final String requestTopic;
    private final LlmPipeline pipeline;

    private final Map<String, Pending> active = new HashMap<>();
    private final PriorityQueue<Pending> byDeadline = new PriorityQueue<>(Comparator.comparingLong(Pending::deadlineMs));
    private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final TenantQueues waiting;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> inFlight;
    // request ids already answered (the intake: already answered or handed on), to drop redeliveries
    private RememberedIds answered;
    private ReadOnlyKeyValueStore<String, Object> templates;
    private final List<Cancellable> punctuators = new ArrayList<>();

    QueryProcessor(Stage stage, QueryTopology.Ports ports, QuerySettings settings, Capacity capacity, String requestTopic) {
        this.stage = stage;
        this.ports = ports;
        this.settings = settings;
        this.capacity = capacity;
        this.requestTopic = requestTopic;
        this.pipeline = new LlmPipeline(ports.llm(), ports.checks(), ports.asyncExecutor());
        this.waiting = new TenantQueues(settings.tenantFairness());
    }

    private record Completion(Pending pending, LlmOutcome outcome, Throwable error) {
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.answered = new RememberedIds(context.getStateStore(stage == Stage.INTAKE ? QueryTopology.SEEN_STORE
                : QueryTopology.ANSWERED_STORE), settings.dedupeRetention());
        punctuators.add(context.schedule(RememberedIds.FORGET_INTERVAL, PunctuationType.WALL_CLOCK_TIME, answered::forgetSome));
        if (stage == Stage.INTAKE) {
            return;
        }
        this.inFlight = context.getStateStore(QueryTopology.IN_FLIGHT_STORE);
        this.templates = context.getStateStore(QueryTopology.TEMPLATE_STORE);
        punctuators.add(context.schedule(settings.completionInterval(), PunctuationType.WALL_CLOCK_TIME, now -> pump()));
        reissueRestored();
    }

    /** Requests that were in flight when the previous owner of this task stopped: start them again. */
    private void reissueRestored() {
        List<KeyValue<String, byte[]>> restored = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = inFlight.all()) {
            it.forEachRemaining(restored::add);
        }
        for (KeyValue<String, byte[]> entry : restored) {
            InFlightCodec.Entry e = InFlightCodec.decode(entry.value);
            if (!active.containsKey(entry.key)) {
                Pending pending = new Pending(e.request(), e.receivedAtMs(), deadlineOf(e.request(), e.receivedAtMs()));
                pending.flags.add("reissued");
                enqueue(pending);
            }
        }
        if (!restored.isEmpty()) {
            LOG.info("re-issuing {} requests that were in flight before a restart", restored.size());
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        long now = context.currentSystemTimeMs();
        if (stage == Stage.LLM) {
            HandOff admitted = HandOff.decode(record.value());
            try (LogContext.Scope ids = LogContext.open(ids(admitted.request()))) {
                if (!seen(admitted.request().getRequestId())) {
                    accept(admitted.pending(deadlineOf(admitted.request(), admitted.receivedAtMs())));
                }
            }
            return;
        }
        QueryRequested request = decode(record);
        if (request == null) {
            return;
        }
        try (LogContext.Scope ids = LogContext.open(ids(request))) {
            Pending screened = screen(record, request, now);
            if (screened == null) {
                return;
            }
            if (stage == Stage.INTAKE) {
                // the id is remembered in the same transaction as the hand-off: a redelivered record is not admitted twice
                answered.remember(screened.id(), now);
                HandOff handOff = new HandOff(now, List.copyOf(screened.flags), screened.request());
                context.forward(new Record<>(screened.request().getTenant(), handOff.encode(), now));
                return;
            }
            accept(screened);
        }
    }

    /** The MDC entries of every log line about this request, on the stream thread and in the asynchronous stages. */
    private static Map<String, String> ids(QueryRequested request) {
        return LogContext.of(request.getRequestId(), request.getHeader() == null ? null : request.getHeader().getCorrelationId(),
                request.getTenant());
    }

    /** The request, or null when the record is not one (then it went to the dead letters). */
    private QueryRequested decode(Record<String, byte[]> record) {
        try {
            if (record.value() == null) {
                throw new SerializationException("empty value (a tombstone is not a request)");
            }
            return REQUESTS.decode(record.value());
        } catch (SerializationException e) {
            deadLetter(record, e);
            return null;
        }
    }

    private boolean seen(String id) {
        boolean seen = id != null && (active.containsKey(id) || answered.contains(id));
        if (seen) {
            LOG.debug("dropping redelivered request {}", id);
        }
        return seen;
    }

    /**
     * Dedupes, validates and guards a decoded request: the request as the guard passed it, or null when it was
     * dropped as a redelivery or already answered (dead letter, invalid, late, blocked).
     */
    private Pending screen(Record<String, byte[]> record, QueryRequested request, long now) {
        if (seen(request.getRequestId())) {
            return null;
        }
        Optional<String> invalid = invalid(request, record.key());
        if (invalid.isPresent()) {
            Pending pending = new Pending(request, now, now);
            finish(pending, AnswerStatus.FAILED, "invalid request: " + invalid.get(), null, now);
            return null;
        }
        Pending pending = new Pending(request, now, deadlineOf(request, now));
        if (now >= pending.deadlineMs()) {
            finish(pending, AnswerStatus.TIMEOUT, "deadline passed before the request was read", null, now);
            return null;
        }
        QueryGuard.Decision decision = ports.guard().screen(request);
        if (!decision.allowed()) {
            pending.flags.addAll(decision.flags());
            finish(pending, decision.status(), decision.reason(), null, now);
            return null;
        }
        Pending screened = new Pending(decision.request(), now, pending.deadlineMs());
        screened.flags.addAll(decision.flags());
        return screened;
    }

    /** Records the request in the in-flight store and queues it for an LLM slot. */
    private void accept(Pending pending) {
        awaitRoomToWait();
        inFlight.put(pending.id(), InFlightCodec.encode(pending.receivedAtMs(), pending.request()));
        enqueue(pending);
        pump();
    }

    /** Backpressure: while the waiting queue is full, stop reading and keep turning completions into answers. */
    private void awaitRoomToWait() {
        while (waiting.size() >= settings.maxWaiting()) {
            pump();
            if (waiting.size() < settings.maxWaiting()) {
                return;
            }
            try {
                Completion next = completions.poll(settings.completionInterval().toMillis(), TimeUnit.MILLISECONDS);
                if (next != null) {
                    completions.add(next);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void enqueue(Pending pending) {
        active.put(pending.id(), pending);
        byDeadline.add(pending);
        waiting.add(pending);
    }

    /** Answers completed calls, times out expired requests, then starts waiting requests while slots are free. */
    private void pump() {
        long now = context.currentSystemTimeMs();
        drainCompletions(now);
        expire(now);
        while (waiting.size() > 0 && capacity.tryAcquire()) {
            Pending next = waiting.next();
            next.holdsSlot.set(true);
            start(next, context.currentSystemTimeMs());
            if (settings.llmMode() == QuerySettings.LlmMode.SYNC) {
                awaitSynchronously(next);
            }
        }
        drainCompletions(context.currentSystemTimeMs());
    }

    private void drainCompletions(long now) {
        Completion c;
        while ((c = completions.poll()) != null) {
            release(c.pending());
            Pending p = c.pending();
            if (p.done || active.get(p.id()) != p) {
                continue;
            }
            if (c.error() != null) {
                Throwable cause = unwrap(c.error());
                boolean late = cause instanceof LlmException le && (le.kind() == LlmException.Kind.DEADLINE_EXCEEDED
                        || le.kind() == LlmException.Kind.TIMEOUT) && now >= p.deadlineMs();
                if (late || (cause instanceof LlmException le2 && le2.kind() == LlmException.Kind.DEADLINE_EXCEEDED)) {
                    finish(p, AnswerStatus.TIMEOUT, "deadline passed while the LLM was answering: " + cause.getMessage(), null, now);
                } else {
                    finish(p, AnswerStatus.FAILED, describe(cause), null, now);
                }
            } else if (c.outcome().formatProblem() != null) {
                finish(p, AnswerStatus.FAILED, c.outcome().formatProblem(), c.outcome(), now);
            } else if (c.outcome().blockReason() != null) {
                finish(p, AnswerStatus.BLOCKED, c.outcome().blockReason(), c.outcome(), now);
            } else {
                finish(p, AnswerStatus.OK, null, c.outcome(), now);
            }
        }
    }

    private void expire(long now) {
        while (!byDeadline.isEmpty() && (byDeadline.peek().done || byDeadline.peek().deadlineMs() <= now)) {
            Pending p = byDeadline.poll();
            if (p.done) {
                continue;
            }
            if (p.started) {
                if (p.future != null) {
                    p.future.cancel(false);   // frees the slot through its completion; a late result is ignored
                }
                finish(p, AnswerStatus.TIMEOUT, "deadline passed while the LLM was answering", null, now);
            } else {
                waiting.remove(p);
                finish(p, AnswerStatus.TIMEOUT, "deadline passed while waiting for an LLM slot", null, now);
            }
        }
    }

    /**
     * Resolves the template on the stream thread (the template table is a stream-thread store), then embeds,
     * retrieves, renders, calls the LLM and checks the answer asynchronously, holding the request's slot.
     */
    private void start(Pending p, long now) {
        try (LogContext.Scope ids = LogContext.open(ids(p.request()))) {
            startWithIds(p, now);
        }
    }

    private void startWithIds(Pending p, long now) {
        p.started = true;
        p.queueMs = Math.max(0, now - p.receivedAtMs());
        QueryRequested q = p.request();
        String templateId = q.getTemplateId() == null || q.getTemplateId().isBlank() ? settings.defaultTemplate() : q.getTemplateId();
        Optional<PromptTemplate> chosen = TemplateSelector.choose(versionsOf(templateId), p.id());
        if (chosen.isEmpty()) {
            failNow(p, "unknown template '" + templateId + "'");
            return;
        }
        PromptTemplate template = chosen.get();
        p.templateId = template.getTemplateId();
        p.templateVersion = template.getVersion();
        p.requestedModel = template.getModel() == null ? ports.llm().defaultModel() : template.getModel();
        OutputFormat format;
        try {
            format = OutputFormat.of(template.getOutputFields());
        } catch (IllegalArgumentException e) {
            failNow(p, "template " + p.templateId + "@" + p.templateVersion + " is invalid: " + e.getMessage());
            return;
        }
        if (ports.cache() != null) {
            p.cacheScope = SemanticCache.scope(q.getTenant(), p.templateId + paramsOf(q), p.templateVersion, q.getAclGroups());
            p.cacheGeneration = ports.cache().generation(q.getTenant());
        }
        // every asynchronous stage of this request logs with its ids, whichever pooled thread runs it
        Executor async = LogContext.with(ids(q), ports.asyncExecutor());
        try {
            p.future = CompletableFuture
                    .supplyAsync(() -> cachedAnswer(p, q), async)
                    .thenCompose(hit -> hit != null ? CompletableFuture.completedFuture(hit) : retrieveAndCall(p, q, template, format, async));
        } catch (RuntimeException e) {
            p.future = CompletableFuture.failedFuture(e);
        }
        p.future.whenComplete((outcome, error) -> completions.add(new Completion(p, outcome, error)));
    }

    /** Retrieval (when the template has a context), rendering with a fresh canary, the LLM call and the checks. */
    private CompletableFuture<LlmOutcome> retrieveAndCall(Pending p, QueryRequested q, PromptTemplate template, OutputFormat format,
                                                          Executor async) {
        return CompletableFuture
                .supplyAsync(() -> template.getContextHeading() == null ? List.<Passage>of() : retrieve(p, q), async)
                .thenCompose(retrieved -> {
                    RenderedPrompt prompt = PromptRenderer.render(template, q.getQuestion(), q.getTemplateParams(), retrieved);
                    p.passages = prompt.passages();
                    // A fresh canary in every system prompt: an answer that carries it leaked the prompt (checked after the call).
                    String system = PromptLeakDetector.withCanary(prompt.system(), PromptLeakDetector.newCanary());
                    LlmRequest call = new LlmRequest(p.id(), q.getTenant(), template.getModel(), system, prompt.user(),
                            q.getQuestion(), p.passages.stream().map(Passage::text).toList(), settings.maxOutputTokens(),
                            settings.temperature(), Instant.ofEpochMilli(p.deadlineMs()));
                    return pipeline.run(call, format, p.passages, async);
                });
    }

    /** A cached answer to a question close enough to this one (same tenant, template version, groups), or null. */
    private LlmOutcome cachedAnswer(Pending p, QueryRequested q) {
        if (p.cacheScope == null) {
            return null;
        }
        long t0 = System.nanoTime();
        float[] vector = embed(q);
        p.questionVector = vector;
        p.embedMs = (System.nanoTime() - t0) / 1_000_000;
        Optional<SemanticCache.Cached> hit = ports.cache().find(p.cacheScope, vector, System.currentTimeMillis());
        if (hit.isEmpty()) {
            return null;
        }
        SemanticCache.Cached c = hit.get();
        p.cached = true;
        p.savedTokens = c.tokens();
        return new LlmOutcome(c.answer(), null, c.fields(), c.provider(), c.model(), 0, 0, 0, 0, c.groundedness(), false,
                c.citations(), List.of("cache.hit"), null);
    }

    private static String paramsOf(QueryRequested q) {
        return q.getTemplateParams().isEmpty() ? "" : new java.util.TreeMap<>(q.getTemplateParams()).toString();
    }

    private float[] embed(QueryRequested q) {
        try {
            return ports.embedder().embed(q.getQuestion());
        } catch (RuntimeException e) {
            throw new IllegalStateException("embedding failed: " + e.getMessage(), e);
        }
    }

    private List<Passage> retrieve(Pending p, QueryRequested q) {
        long t0 = System.nanoTime();
        float[] vector = p.questionVector != null ? p.questionVector : embed(q);
        List<ScoredChunk> hits;
        long t1 = System.nanoTime();
        try {
            hits = ports.store().search(SearchRequest.hybrid(q.getTenant(), new HashSet<>(q.getAclGroups()),
                    q.getQuestion(), vector, settings.retrievalK()));
        } catch (RuntimeException e) {
            throw new IllegalStateException("retrieval failed: " + e.getMessage(), e);
        }
        long t2 = System.nanoTime();
        p.embedMs += (t1 - t0) / 1_000_000;
        p.retrieveMs = (t2 - t1) / 1_000_000;
        List<Passage> passages = new ArrayList<>();
        for (ScoredChunk hit : hits) {
            // The store promises tenant scoping; checked again here because a leak across tenants is the worst failure.
            if (!hit.chunk().tenant().equals(q.getTenant())) {
                LOG.error("vector store {} returned a chunk of another tenant; dropped", ports.store().name());
                p.flags.add("retrieval.foreign.chunk.dropped");
                continue;
            }
            ScreenVerdict verdict = ports.guard().screenChunk(hit.chunk().text());
            if (verdict.attack()) {
                // Indirect injection: the poisoned chunk never reaches the model; the answer and telemetry say which.
                LOG.warn("request {}: chunk {} left out of the prompt: {}", p.id(), hit.chunk().chunkId(), verdict.reasons());
                p.flags.add("injection.chunk.dropped:" + hit.chunk().chunkId());
                continue;
            }
            passages.add(new Passage(hit.chunk().docId(), hit.chunk().chunkId(), hit.chunk().title(), hit.chunk().text(), hit.score()));
        }
        p.topScore = passages.isEmpty() ? null : passages.getFirst().score();
        return passages;
    }

    /** The naive baseline: the stream thread waits for the call (used only to measure what the async stage saves). */
    private void awaitSynchronously(Pending p) {
        try {
            p.future.get(Math.max(1, p.deadlineMs() - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
            // the completion carries the error
        }
        drainCompletions(context.currentSystemTimeMs());
    }

    private void failNow(Pending p, String reason) {
        p.future = CompletableFuture.failedFuture(new IllegalStateException(reason));
        release(p);
        finish(p, AnswerStatus.FAILED, reason, null, context.currentSystemTimeMs());
    }

    private void release(Pending p) {
        if (p.holdsSlot.compareAndSet(true, false)) {
            capacity.release();
        }
    }

    /**
     * Every known version of a template: the bundled ones, overridden and extended by the versions on the template
     * topic, so a canary pushed to the topic shares traffic with the bundled stable version.
     */
    private List<PromptTemplate> versionsOf(String templateId) {
        Map<Integer, PromptTemplate> versions = new java.util.TreeMap<>();
        BundledTemplates.versionsOf(templateId).forEach(t -> versions.put(t.getVersion(), t));
        try (KeyValueIterator<String, Object> it = templates.prefixScan(templateId + "@", new StringSerializer())) {
            while (it.hasNext()) {
                Object value = it.next().value;
                Object template = value instanceof ValueAndTimestamp<?> vt ? vt.value() : value;
                if (template instanceof PromptTemplate t && t.getTemplateId().equals(templateId)) {
                    versions.put(t.getVersion(), t);
                }
            }
        }
        return List.copyOf(versions.values());
    }

    private Optional<String> invalid(QueryRequested q, String key) {
        if (q.getRequestId() == null || q.getRequestId().isBlank()) {
            return Optional.of("requestId is empty");
        }
        if (key != null && !key.equals(q.getRequestId())) {
            return Optional.of("record key '" + key + "' is not the requestId '" + q.getRequestId() + "'");
        }
        if (q.getTenant() == null || q.getTenant().isBlank()) {
            return Optional.of("tenant is empty");
        }
        if (q.getQuestion() == null || q.getQuestion().isBlank()) {
            return Optional.of("question is empty");
        }
        if (q.getQuestion().length() > settings.maxQuestionChars()) {
            return Optional.of("question has " + q.getQuestion().length() + " characters, more than the limit of "
                    + settings.maxQuestionChars());
        }
        return Optional.empty();
    }

    private long deadlineOf(QueryRequested q, long receivedAt) {
        return q.getDeadlineMs() != null ? q.getDeadlineMs().toEpochMilli() : receivedAt + settings.defaultTimeout().toMillis();
    }

    private void finish(Pending p, AnswerStatus status, String reason, LlmOutcome outcome, long now) {
        try (LogContext.Scope ids = LogContext.open(ids(p.request()))) {
            answer(p, status, reason, outcome, now);
        }
    }

    private void answer(Pending p, AnswerStatus status, String reason, LlmOutcome outcome, long now) {
        p.done = true;
        Answered result = Answered.of(p, status, reason, outcome, now, ports);
        result.forward(context, now);
        String id = result.answer().getRequestId();
        String tenant = result.answer().getTenant();
        if (status == AnswerStatus.OK && !p.cached && outcome != null && !outcome.hallucinated() && p.cacheScope != null
                && p.questionVector != null) {
            ports.cache().put(tenant, p.cacheScope, p.cacheGeneration, p.questionVector, new SemanticCache.Cached(
                    result.answer().getAnswer(), outcome.fields(), outcome.citations(), result.answer().getProvider(),
                    result.answer().getModel(), result.tokens(), outcome.groundedness()), System.currentTimeMillis());
        }
        if (active.get(id) == p) {
            active.remove(id);
            inFlight.delete(id);
        }
        if (p.request().getRequestId() != null && !p.request().getRequestId().isBlank()) {
            answered.remember(id, now);
        }
        if (stage == Stage.LLM && result.tokens() > 0 && !tenant.isEmpty()) {
            // what the answer spent goes to the tenant's owner in the same transaction as the answer: once per request
            context.forward(new Record<>(tenant, result.tokens(), now));
        }
    }

    private void deadLetter(Record<String, byte[]> record, SerializationException e) {
        var origin = context.recordMetadata()
                .map(m -> new DeadLetters.Origin(m.topic(), m.partition(), m.offset()))
                .orElse(new DeadLetters.Origin(requestTopic, -1, -1L));
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        DeadLetter letter = DeadLetters.of(origin, "decode", "cannot read the request: " + e.getMessage(), e, key, record.value());
        context.forward(new Record<>(record.key(), letter, context.currentSystemTimeMs(),
                new RecordHeaders(DeadLetters.headers(letter).toArray())));
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable cause) {
        if (cause instanceof LlmException e) {
            return "llm " + e.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + e.getMessage();
        }
        if (cause instanceof CancellationException) {
            return "the LLM call was cancelled";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    @Override
    public void close() {
        punctuators.forEach(Cancellable::cancel);
        // Calls still running are abandoned: their requests stay in the in-flight store and are re-issued by
        // whichever instance owns the task next.
        for (Pending p : active.values()) {
            if (p.future != null) {
                p.future.cancel(false);
            }
            release(p);
        }
        active.clear();
    }
}
