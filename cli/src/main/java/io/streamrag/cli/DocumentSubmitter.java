package io.streamrag.cli;

import io.streamrag.events.DeadLetter;
import io.streamrag.events.DocumentIngested;
import io.streamrag.events.DocumentSubmitted;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.platform.vector.ChunkIds;
import io.streamrag.schemas.AvroSerde;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Produces documents (and tombstones) to {@code rag.document.submitted} and waits for what the ingest stream made
 * of each: its {@code rag.document.ingested} outcome, or the dead letter that names the produced record's partition
 * and offset. The watch starts at the end of both topics when this object is created, so only outcomes of
 * documents submitted through it are seen.
 */
final class DocumentSubmitter implements AutoCloseable {

    /** One produced record: a document version, or a tombstone when {@code delete}. */
    record Submission(String tenant, String docId, long version, boolean delete, int partition, long offset) {
        String key() {
            return ChunkIds.documentKey(tenant, docId);
        }
    }

    /**
     * What became of a submission: an outcome of the stream (INDEXED, DELETED, UNCHANGED, STALE), DEAD_LETTER with
     * the reason, or TIMEOUT when nothing arrived in time.
     */
    record Outcome(Submission submission, String status, int chunks, long tokens, long totalMs, String reason) {
        boolean ok() {
            return !status.equals("DEAD_LETTER") && !status.equals("TIMEOUT");
        }
    }

    private static final Duration POLL = Duration.ofMillis(200);

    private final Topics topics;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> watcher;
    private final AvroSerde<DocumentSubmitted> documents = AvroSerde.of(DocumentSubmitted.class);
    private final AvroSerde<DocumentIngested> outcomes = AvroSerde.of(DocumentIngested.class);
    private final AvroSerde<DeadLetter> deadLetters = AvroSerde.of(DeadLetter.class);
    // what the watcher has read, indexed for lookup: a bulk submission waits for thousands of outcomes
    private final Map<String, List<DocumentIngested>> seenOutcomes = new HashMap<>();
    private final Map<String, DeadLetter> seenDeadLetters = new HashMap<>();

    DocumentSubmitter(String bootstrapServers, Topics topics) {
        this.topics = topics;
        Map<String, Object> producerProps = new HashMap<>();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producerProps.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
        Map<String, Object> consumerProps = new HashMap<>();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // an outcome counts once its transaction is committed: an aborted one is retried and reported again
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.watcher = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = Stream.of(topics.documentIngested(), topics.ingestDeadLetters())
                .flatMap(t -> watcher.partitionsFor(t, Duration.ofSeconds(15)).stream())
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("no topic " + topics.documentIngested() + " at " + bootstrapServers
                    + ": is the ingest stream's broker running there?");
        }
        watcher.assign(partitions);
        watcher.seekToEnd(partitions);
        partitions.forEach(watcher::position); // resolve the end now, before anything is produced
    }

    /** Sends one document version; returns once the broker has it. */
    Submission submit(DocumentSubmitted document) {
        return sendAll(List.of(document)).getFirst();
    }

    /** Sends documents together (one round trip for all), in order. */
    List<Submission> sendAll(List<DocumentSubmitted> batch) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (DocumentSubmitted d : batch) {
            String key = ChunkIds.documentKey(d.getTenant(), d.getDocId());
            sent.add(producer.send(new ProducerRecord<>(topics.documentSubmitted(), key, documents.encode(d))));
        }
        List<Submission> submissions = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            DocumentSubmitted d = batch.get(i);
            RecordMetadata m = get(sent.get(i));
            submissions.add(new Submission(d.getTenant(), d.getDocId(), d.getVersion(), false, m.partition(), m.offset()));
        }
        return submissions;
    }

    /** Sends a tombstone: the document is deleted everywhere. */
    Submission delete(String tenant, String docId) {
        RecordMetadata m = get(producer.send(new ProducerRecord<>(topics.documentSubmitted(), ChunkIds.documentKey(tenant, docId), null)));
        return new Submission(tenant, docId, -1, true, m.partition(), m.offset());
    }

    /** Waits until each submission has an outcome or the timeout passes; outcomes in submission order. */
    List<Outcome> await(List<Submission> submissions, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Submission, Outcome> found = new LinkedHashMap<>();
        while (true) {
            for (Submission s : submissions) {
                if (!found.containsKey(s)) {
                    Outcome o = match(s);
                    if (o != null) {
                        found.put(s, o);
                    }
                }
            }
            if (found.size() == submissions.size() || System.nanoTime() > deadline) {
                break;
            }
            for (ConsumerRecord<String, byte[]> r : watcher.poll(POLL)) {
                if (r.value() == null) {
                    continue;
                }
                try {
                    if (r.topic().equals(topics.documentIngested())) {
                        DocumentIngested o = outcomes.decode(r.value());
                        seenOutcomes.computeIfAbsent(documentOf(o.getTenant(), o.getDocId()), k -> new ArrayList<>()).add(o);
                    } else {
                        DeadLetter d = deadLetters.decode(r.value());
                        seenDeadLetters.put(originOf(d.getSourceTopic(), d.getPartition(), d.getOffset()), d);
                    }
                } catch (SerializationException e) {
                    // another producer's record on these topics: not an outcome of ours
                }
            }
        }
        return submissions.stream()
                .map(s -> found.getOrDefault(s, new Outcome(s, "TIMEOUT", 0, 0, 0,
                        "no outcome within " + timeout.toSeconds() + " s (is the ingest stream running?)")))
                .toList();
    }

    private Outcome match(Submission s) {
        for (DocumentIngested o : seenOutcomes.getOrDefault(documentOf(s.tenant(), s.docId()), List.of())) {
            boolean sameVersion = s.delete() ? o.getOutcome().name().equals("DELETED") : o.getVersion() == s.version();
            if (sameVersion) {
                return new Outcome(s, o.getOutcome().name(), o.getChunks(), o.getTokens(), o.getTotalMs(), null);
            }
        }
        DeadLetter d = seenDeadLetters.get(originOf(topics.documentSubmitted(), s.partition(), s.offset()));
        return d == null ? null : new Outcome(s, "DEAD_LETTER", 0, 0, 0, d.getStage() + ": " + d.getReason());
    }

    private static String documentOf(String tenant, String docId) {
        return tenant + '\u0000' + docId;
    }

    private static String originOf(String topic, int partition, long offset) {
        return topic + '\u0000' + partition + '\u0000' + offset;
    }

    private static RecordMetadata get(Future<RecordMetadata> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot produce: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        watcher.close();
    }
}
