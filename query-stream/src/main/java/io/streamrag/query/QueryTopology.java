package io.streamrag.query;

import io.streamrag.events.DeadLetter;
import io.streamrag.events.DocumentIngested;
import io.streamrag.events.PromptTemplate;
import io.streamrag.events.QueryAnswered;
import io.streamrag.events.Telemetry;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.platform.vector.VectorStore;
import io.streamrag.query.governance.SemanticCache;
import io.streamrag.query.llm.LlmClient;
import io.streamrag.schemas.AvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The query stream.
 * <pre>
 * rag.prompt.template  ('templateId@version' -> PromptTemplate, compacted)  -> GlobalKTable "prompt-templates"
 * rag.document.ingested (document key -> DocumentIngested; with a semantic cache) -> global store "documents-ingested",
 *                        each change invalidates the tenant's cached answers
 * rag.query.requested  (requestId -> QueryRequested bytes)
 *   -> rag.answer.generated  (requestId -> QueryAnswered; exactly one per request; with query.answers.per.tenant a
 *                            proven tenant's answers go to rag.answer.generated.&lt;tenant&gt; instead)
 *   -> llmops.telemetry      (tenant -> Telemetry, kind QUERY; one per request)
 *   -> rag.query.dlq         (key as read -> DeadLetter; records that are not a QueryRequested)
 * </pre>
 * Requests are read as bytes so that an unreadable record becomes a dead letter rather than stopping the stream.
 * State: "query-in-flight" (accepted, not yet answered; re-issued after a restart) and "query-answered"
 * (request ids already answered, to drop redeliveries), changelogged.
 *
 * <p>Without tenant limits that is one sub-topology: no repartition, so no extra commit interval of latency. With
 * {@code limits.requests.per.minute} or {@code limits.daily.tokens} set, the request topic's partitions (keyed by
 * request id) each see only part of a tenant's traffic, so the counts move to where the records are keyed by tenant:
 * <pre>
 * rag.query.requested (requestId) -> query-intake: decode, dedupe ("query-seen"), validate, guard; answers rejections
 *   -> &lt;app&gt;-query-admission-repartition (tenant -> HandOff)
 *   -> query-tenant-admission ("query-tenant-rate", "query-tenant-tokens"): RATE_LIMITED answers, or admitted
 *   -> &lt;app&gt;-query-admitted-repartition (requestId -> HandOff)
 *   -> query-llm-stage ("query-in-flight", "query-answered"): answers + telemetry, and what each answer spent
 *   -> &lt;app&gt;-query-usage-repartition (tenant -> tokens) -> query-tenant-charge (adds to "query-tenant-tokens")
 * </pre>
 * The charge shares the admission's sub-topology and task (both read topics keyed by tenant with the request
 * topic's partition count), so each tenant's counts have one owner and are exact under exactly-once.
 */
public final class QueryTopology {

    public static final String TEMPLATE_STORE = "prompt-templates";
    public static final String IN_FLIGHT_STORE = "query-in-flight";
    public static final String ANSWERED_STORE = "query-answered";
    public static final String RATE_STORE = "query-tenant-rate";
    public static final String TOKENS_STORE = "query-tenant-tokens";
    public static final String LLM_STAGE = "query-llm-stage";
    public static final String DOCUMENTS_STORE = "documents-ingested";
    public static final String SEEN_STORE = "query-seen";
    public static final String INTAKE_STAGE = "query-intake";
    public static final String ADMISSION_STAGE = "query-tenant-admission";
    public static final String CHARGE_STAGE = "query-tenant-charge";
    /** Repartition topics (named {@code <application id>-<name>-repartition}). */
    public static final String ADMISSION_TOPIC = "query-admission";
    public static final String ADMITTED_TOPIC = "query-admitted";
    public static final String USAGE_TOPIC = "query-usage";

    private QueryTopology() {
    }

    /** The ports the stream calls: retrieval, the LLM, the guard before retrieval and the checks after the LLM. */
    public record Ports(Embedder embedder, VectorStore store, LlmClient llm, QueryGuard guard, AnswerChecks checks,
                        CostEstimator cost, Executor asyncExecutor, SemanticCache cache) {

        /** Without a semantic cache. */
        public Ports(Embedder embedder, VectorStore store, LlmClient llm, QueryGuard guard, AnswerChecks checks,
                     CostEstimator cost, Executor asyncExecutor) {
            this(embedder, store, llm, guard, checks, cost, asyncExecutor, null);
        }

        public Ports {
            Objects.requireNonNull(embedder, "embedder");
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(llm, "llm");
            guard = guard == null ? QueryGuard.allowAll() : guard;
            checks = checks == null ? AnswerChecks.none() : checks;
            cost = cost == null ? CostEstimator.free() : cost;
            asyncExecutor = asyncExecutor == null ? SHARED_ASYNC_EXECUTOR : asyncExecutor;
        }

        public static Ports of(Embedder embedder, VectorStore store, LlmClient llm, AnswerChecks checks) {
            return new Ports(embedder, store, llm, null, checks, null, null);
        }
    }

    /** Embedding, retrieval and answer checks run on virtual threads: never on the stream thread or the LLM client's threads. */
    private static final ExecutorService SHARED_ASYNC_EXECUTOR = Executors.newVirtualThreadPerTaskExecutor();

    public static Topology build(Topics topics, QuerySettings settings, Embedder embedder, VectorStore store,
                                 LlmClient llm, AnswerChecks checks) {
        return build(topics, settings, Ports.of(embedder, store, llm, checks));
    }

    public static Topology build(Topics topics, QuerySettings settings, Ports ports) {
        return build(topics, settings, ports, Set.of());
    }

    /**
     * With {@code answerTenants} not empty, proven answers of those tenants go to {@code <answer topic>.<tenant>}
     * ({@link TenantAnswerTopics}); the caller creates those topics first.
     */
    public static Topology build(Topics topics, QuerySettings settings, Ports ports, Set<String> answerTenants) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.globalTable(topics.promptTemplate(),
                Consumed.with(Serdes.String(), AvroSerde.of(PromptTemplate.class)).withName("prompt-templates-source"),
                Materialized.<String, PromptTemplate, KeyValueStore<Bytes, byte[]>>as(TEMPLATE_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(AvroSerde.of(PromptTemplate.class)));

        if (ports.cache() != null) {
            // Every instance reads every document change (a global store), so each one's cache goes stale at once.
            SemanticCache cache = ports.cache();
            builder.addGlobalStore(
                    Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(DOCUMENTS_STORE), Serdes.String(), Serdes.ByteArray())
                            .withLoggingDisabled(),
                    topics.documentIngested(),
                    Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("documents-ingested-source"),
                    () -> new DocumentChanges(cache));
        }
        KStream<String, byte[]> requests = builder.stream(topics.queryRequested(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("query-requests-source"));
        Capacity capacity = new Capacity(settings.maxInFlight());
        Outputs outputs = new Outputs(topics, answerTenants);
        if (settings.requestsPerMinute() == 0 && settings.dailyTokens() == 0) {
            outputs.route(requests.process(stage(QueryProcessor.Stage.WHOLE, ports, settings, capacity, topics), Named.as(LLM_STAGE)));
            return builder.build();
        }
        KStream<String, byte[]> screened = outputs.route(requests.process(
                stage(QueryProcessor.Stage.INTAKE, ports, settings, capacity, topics), Named.as(INTAKE_STAGE)), "intake-", "screened");
        KStream<String, byte[]> admitted = outputs.route(screened
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName(ADMISSION_TOPIC))
                .process(admission(ports, settings), Named.as(ADMISSION_STAGE)), "admission-", "admitted");
        KStream<String, Long> usage = outputs.route(admitted
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName(ADMITTED_TOPIC))
                .process(stage(QueryProcessor.Stage.LLM, ports, settings, capacity, topics), Named.as(LLM_STAGE)), "", "usage");
        usage.repartition(Repartitioned.with(Serdes.String(), Serdes.Long()).withName(USAGE_TOPIC))
                .process(TenantLimits.Charge::new, Named.as(CHARGE_STAGE), TOKENS_STORE);
        return builder.build();
    }

    /** One part of the request handling ({@link QueryProcessor.Stage}) with the stores it owns. */
    private static ProcessorSupplier<String, byte[], String, Object> stage(QueryProcessor.Stage stage, Ports ports,
                                                                           QuerySettings settings, Capacity capacity, Topics topics) {
        return new ProcessorSupplier<>() {
            @Override
            public QueryProcessor get() {
                return new QueryProcessor(stage, ports, settings, capacity, topics.queryRequested());
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                if (stage == QueryProcessor.Stage.INTAKE) {
                    return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEEN_STORE), Serdes.String(), Serdes.Long()));
                }
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IN_FLIGHT_STORE), Serdes.String(), Serdes.ByteArray()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ANSWERED_STORE), Serdes.String(), Serdes.Long()));
            }
        };
    }

    private static ProcessorSupplier<String, byte[], String, Object> admission(Ports ports, QuerySettings settings) {
        return new ProcessorSupplier<>() {
            @Override
            public TenantLimits.Admission get() {
                return new TenantLimits.Admission(ports, settings);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RATE_STORE), Serdes.String(), Serdes.Long()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TOKENS_STORE), Serdes.String(), Serdes.Long()));
            }
        };
    }

    /** Where every step's answers, telemetry and dead letters go. */
    private record Outputs(Topics topics, Set<String> answerTenants) {

        /** Sends a step's answers, telemetry and dead letters to their topics; the step has no other output. */
        void route(KStream<String, Object> outcomes) {
            branches(outcomes, "").noDefaultBranch();
        }

        /**
         * Sends a step's answers, telemetry and dead letters to their topics (node names prefixed by {@code prefix})
         * and returns the step's other records ({@code what}: hand-offs or spent tokens), cast to what they are.
         */
        <V> KStream<String, V> route(KStream<String, Object> outcomes, String prefix, String what) {
            return branches(outcomes, prefix).defaultBranch(Branched.as(what)).get(prefix + "query-outcome-" + what)
                    .processValues(() -> new Cast<V>(), Named.as(prefix + "as-" + what));
        }

        private BranchedKStream<String, Object> branches(KStream<String, Object> outcomes, String prefix) {
            return outcomes.split(Named.as(prefix + "query-outcome-"))
                    .branch((k, v) -> v instanceof QueryAnswered, Branched.withConsumer(answers -> toAnswerTopics(answers
                            .processValues(() -> new Cast<QueryAnswered>(), Named.as(prefix + "as-answer")), prefix), QueryProcessor.ANSWERS))
                    .branch((k, v) -> v instanceof Telemetry, Branched.withConsumer(telemetry -> telemetry
                            .processValues(() -> new Cast<Telemetry>(), Named.as(prefix + "as-telemetry"))
                            .to(topics.telemetry(), Produced.with(Serdes.String(), AvroSerde.of(Telemetry.class))
                                    .withName(prefix + "telemetry-sink")), QueryProcessor.TELEMETRY))
                    .branch((k, v) -> v instanceof DeadLetter, Branched.withConsumer(letters -> letters
                            .processValues(() -> new Cast<DeadLetter>(), Named.as(prefix + "as-dead-letter"))
                            .to(topics.queryDeadLetters(), Produced.with(Serdes.String(), AvroSerde.of(DeadLetter.class))
                                    .withName(prefix + "dead-letters-sink")), QueryProcessor.DEAD_LETTERS));
        }

        /** One shared answer topic, or a topic per proven tenant when {@code answerTenants} lists any. */
        private void toAnswerTopics(KStream<String, QueryAnswered> answers, String prefix) {
            Produced<String, QueryAnswered> produced = Produced.with(Serdes.String(), AvroSerde.of(QueryAnswered.class))
                    .withName(prefix + "answers-sink");
            if (answerTenants.isEmpty()) {
                answers.to(topics.answerGenerated(), produced);
            } else {
                answers.to(new TenantAnswerTopics(topics, answerTenants), produced);
            }
        }
    }

    /** Keeps the latest outcome per document key and tells the semantic cache which tenant's documents changed. */
    private static final class DocumentChanges implements org.apache.kafka.streams.processor.api.Processor<String, byte[], Void, Void> {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DocumentChanges.class);
        private final SemanticCache cache;
        private KeyValueStore<String, byte[]> store;

        DocumentChanges(SemanticCache cache) {
            this.cache = cache;
        }

        @Override
        public void init(org.apache.kafka.streams.processor.api.ProcessorContext<Void, Void> context) {
            this.store = context.getStateStore(DOCUMENTS_STORE);
        }

        @Override
        public void process(org.apache.kafka.streams.processor.api.Record<String, byte[]> record) {
            if (record.key() != null) {
                store.put(record.key(), record.value());
            }
            if (record.value() == null) {
                return;
            }
            try {
                cache.invalidate(AvroSerde.of(DocumentIngested.class).decode(record.value()).getTenant());
            } catch (RuntimeException unreadable) {
                LOG.warn("unreadable document-ingested record {} ignored by the semantic cache: {}", record.key(), unreadable.getMessage());
            }
        }
    }

    /** Narrows a step's output to its type; keeps the record's headers (dead letters carry their reason there). */
    private static final class Cast<V> implements FixedKeyProcessor<String, Object, V> {
        private FixedKeyProcessorContext<String, V> context;

        @Override
        public void init(FixedKeyProcessorContext<String, V> context) {
            this.context = context;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void process(FixedKeyRecord<String, Object> record) {
            context.forward(record.withValue((V) record.value()));
        }
    }
}
