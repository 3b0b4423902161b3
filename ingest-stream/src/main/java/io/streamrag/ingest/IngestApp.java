package io.streamrag.ingest;

import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.kafka.TopicAdmin;
import io.streamrag.platform.vector.VectorStore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Runs the ingest topology on Kafka Streams. The caller owns the embedder and the store (the demo shares them
 * with the other streams) and closes them after this app.
 */
public final class IngestApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestApp.class);

    private final KafkaStreams streams;
    private final IngestConfig config;

    private IngestApp(KafkaStreams streams, IngestConfig config) {
        this.streams = streams;
        this.config = config;
    }

    /** Creates missing topics (unless {@code ingest.create.topics=false}) and starts the stream. */
    public static IngestApp start(IngestConfig config, Embedder embedder, VectorStore store) {
        if (config.createTopics()) {
            TopicAdmin.ensure(config.kafka(), config.topics().specs());
        }
        KafkaStreams streams = new KafkaStreams(
                IngestTopology.build(config.topics(), config.settings(), embedder, store), streamsProperties(config));
        streams.setUncaughtExceptionHandler(error -> {
            // processing errors are dead letters already; what reaches here is a broker or state failure
            LOG.error("ingest stream failed; shutting it down", error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        LOG.info("ingest stream {} started on {} ({})", config.applicationId(), config.topics().documentSubmitted(),
                config.processingGuarantee().streamsValue());
        return new IngestApp(streams, config);
    }

    /** The Kafka Streams configuration: our keys, then every {@code kafka.*} pass-through. */
    static Properties streamsProperties(IngestConfig config) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        // a 10 MiB document is thousands of chunks: minutes of embedding inside one poll and one transaction
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 20);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), 900_000);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 600_000);
        props.putAll(config.kafka());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee().streamsValue());
        Properties properties = new Properties();
        properties.putAll(props);
        return properties;
    }

    /** Waits until the stream is RUNNING; false on timeout; throws when it failed. */
    public boolean awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                    || state == KafkaStreams.State.PENDING_SHUTDOWN || state == KafkaStreams.State.PENDING_ERROR) {
                throw new IllegalStateException("ingest stream " + config.applicationId() + " is " + state);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The Kafka Streams client, for health, readiness and its metrics. */
    public KafkaStreams streams() {
        return streams;
    }

    public IngestConfig config() {
        return config;
    }

    /** Stops processing, commits and closes the state store; the embedder and store stay open. */
    @Override
    public void close() {
        // leave the group on the way out: a restarted instance gets its partitions at once, not after the session timeout
        CloseOptions options = CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
        if (!streams.close(options)) {
            LOG.warn("ingest stream {} did not stop within 30 s", config.applicationId());
        }
    }
}
