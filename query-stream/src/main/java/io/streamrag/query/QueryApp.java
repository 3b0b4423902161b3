package io.streamrag.query;

import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.kafka.TopicAdmin;
import io.streamrag.platform.kafka.TopicSpec;
import io.streamrag.platform.vector.VectorStore;
import io.streamrag.query.check.GroundednessChecker;
import io.streamrag.query.check.SentenceGroundednessChecker;
import io.streamrag.query.governance.GovernanceGuard;
import io.streamrag.query.governance.OutputGuards;
import io.streamrag.query.guard.HeuristicInjectionScreen;
import io.streamrag.query.guard.RegexPiiRedactor;
import io.streamrag.query.llm.CostCalculator;
import io.streamrag.query.llm.LlmClient;
import io.streamrag.query.llm.LlmClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the query stream: ensures its topics, builds the topology from the given ports and starts Kafka Streams.
 * Closing stops the stream and leaves the consumer group; calls still in flight stay recorded and are re-issued by
 * whichever instance owns their task next.
 */
public final class QueryApp implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QueryApp.class);

    private final KafkaStreams streams;
    private final AutoCloseable owned;

    private QueryApp(KafkaStreams streams, AutoCloseable owned) {
        this.streams = streams;
        this.owned = owned;
    }

    /**
     * Texts per call of the embedding micro-batcher. Small: the model runs one text per ONNX call anyway, and a
     * question should not wait behind a long batch (bench query: ratio 0.92 with 8 against 0.83-0.84 with 64).
     */
    public static final int EMBEDDING_BATCH = 8;

    /**
     * Starts the stream with the configured LLM ({@link LlmClients#create}: Mistral, an OpenAI-compatible server, or
     * the offline extractive answerer when none is configured), the groundedness checker and the price table.
     * The LLM client is closed with the app.
     */
    public static QueryApp start(QueryConfig config, Embedder embedder, VectorStore store) {
        LlmClient llm = LlmClients.create(config.llm());
        // Questions and the checker's sentences share one micro-batching front of the model.
        Embedder batched = EmbeddingBatcher.wrap(embedder, EMBEDDING_BATCH);
        CostCalculator costs = config.llm().costs();
        QueryTopology.Ports ports = new QueryTopology.Ports(batched, store, llm, guard(config),
                answerChecks(config, new SentenceGroundednessChecker(batched, config.checks().groundednessThreshold())),
                (provider, model, in, out) -> costs.costUsd(model, in, out), null, config.governance().newCache());
        AutoCloseable owned = () -> {
            llm.close();
            batched.close();
        };
        try {
            return start(config, ports, owned);
        } catch (RuntimeException e) {
            llm.close();
            batched.close();
            throw e;
        }
    }

    /** Identity (from {@code auth.*}) and prompt-injection screening of questions and retrieved chunks. */
    public static QueryGuard guard(QueryConfig config) {
        return new GovernanceGuard(config.governance().authenticator(),
                new HeuristicInjectionScreen(config.checks().injectionThreshold()), Clock.systemUTC());
    }

    /** Groundedness, then the output guard: a leaked system prompt withholds the answer, personal data is redacted. */
    public static AnswerChecks answerChecks(QueryConfig config, GroundednessChecker groundedness) {
        return new AnswerChecks(groundedness, List.of(
                OutputGuards.promptLeak(config.checks().leakMinSpanWords()),
                OutputGuards.piiRedaction(new RegexPiiRedactor())));
    }

    public static QueryApp start(QueryConfig config, QueryTopology.Ports ports) {
        return start(config, ports, () -> { });
    }

    private static QueryApp start(QueryConfig config, QueryTopology.Ports ports, AutoCloseable owned) {
        Set<String> answerTenants = config.governance().answerTenants();
        List<TopicSpec> specs = new ArrayList<>(config.topics().specs());
        specs.addAll(TenantAnswerTopics.specs(config.topics(), answerTenants));
        TopicAdmin.ensure(config.kafka(), specs);
        KafkaStreams streams = new KafkaStreams(QueryTopology.build(config.topics(), config.settings(), ports, answerTenants),
                properties(config));
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.start();
        try {
            if (!running.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("query stream did not reach RUNNING in 60 s (state " + streams.state() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the query stream", e);
        }
        LOG.info("query stream {} running ({})", config.applicationId(), config);
        return new QueryApp(streams, owned);
    }

    static Properties properties(QueryConfig config) {
        Map<String, Object> props = new HashMap<>(config.kafka());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        // An idle stream thread waits in poll; wall-clock punctuation (which emits answers) runs only between polls.
        props.put(StreamsConfig.POLL_MS_CONFIG, config.pollInterval().toMillis());
        // Only the template table is read with a deserializer; a corrupt template is skipped, not fatal.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        props.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 500);
        // Under exactly-once an answer is visible only when its transaction commits, and the commit flushes the
        // producer: lingering up to the commit interval costs no latency and sends one batch per partition per
        // commit instead of one produce request per record. At least once, every record goes out at once.
        boolean exactlyOnce = !StreamsConfig.AT_LEAST_ONCE.equals(config.processingGuarantee());
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
                exactlyOnce ? config.commitInterval().toMillis() : 0);
        // Two commits close together make the group coordinator refuse the second one's offsets with
        // CONCURRENT_TRANSACTIONS until the first one's markers are written (a millisecond or two). The producer
        // retries after retry.backoff.ms while the stream thread waits in its commit: at the default 100 ms, each such
        // retry stalled the reading of new requests for 100 ms. A short first backoff keeps that wait short.
        if (exactlyOnce) {
            props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 5);
        }
        Properties properties = new Properties();
        properties.putAll(props);
        return properties;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        LOG.info("query stream stopping: answers completed so far are committed; calls still in flight are re-issued by the next owner of their partition");
        // Leave the group so that a restarted or remaining instance takes the tasks over at once instead of after the
        // session timeout; requests in flight stay in the in-flight store and are re-issued there.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        try {
            owned.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the LLM client or the embedding batcher", e);
        }
    }
}
