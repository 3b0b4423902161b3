package io.streamrag.ingest;

import io.streamrag.events.ChunkEmbedded;
import io.streamrag.platform.vector.ChunkIds;
import io.streamrag.platform.vector.StoredChunk;
import io.streamrag.platform.vector.VectorStore;
import io.streamrag.platform.vector.Vectors;
import io.streamrag.schemas.AvroSerde;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Rebuilds a vector store from {@code rag.chunk.embedded}, the system of record: every partition is read from its
 * beginning up to the end offsets seen at the start (records produced later belong to the live stream), the latest
 * value per chunk id wins and a tombstone deletes its chunk. No consumer group is used, so a rebuild never moves
 * the offsets of a running stream.
 *
 * <p>Records are applied in poll batches, collapsed per chunk id inside a batch: a chunk id always lives in one
 * partition, so applying batches in order keeps "latest wins" without holding the whole topic in memory.
 */
public final class Reindexer {

    /** What a rebuild did. {@code skipped} counts records that are not a readable ChunkEmbedded (reported, never applied). */
    public record Result(long records, long upserted, long deleted, long skipped, double seconds) {
    }

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration IDLE_LIMIT = Duration.ofSeconds(30);

    private final Map<String, Object> clientProps;
    private final String topic;
    private final Consumer<String> warnings;

    /**
     * @param clientProps Kafka client properties (at least {@code bootstrap.servers})
     * @param topic       the chunk topic, normally {@code Topics.chunkEmbedded()}
     * @param warnings    where a record that cannot be read is reported
     */
    public Reindexer(Map<String, Object> clientProps, String topic, Consumer<String> warnings) {
        this.clientProps = Map.copyOf(clientProps);
        this.topic = topic;
        this.warnings = warnings;
    }

    public Result rebuild(VectorStore store) {
        return read(store, null);
    }

    /**
     * Rebuilds the store, then keeps applying new chunk records until {@code running} turns false, so a process
     * with its own local index (a query instance on the embedded store) follows the log. {@code caughtUp} runs once
     * the records present at the start are applied.
     */
    public Result follow(VectorStore store, BooleanSupplier running, Runnable caughtUp) {
        return read(store, new Follow(running, caughtUp));
    }

    private record Follow(BooleanSupplier running, Runnable caughtUp) {
    }

    private Result read(VectorStore store, Follow follow) {
        long started = System.nanoTime();
        AvroSerde<ChunkEmbedded> serde = AvroSerde.of(ChunkEmbedded.class);
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        // chunks of an aborted transaction were never part of the log
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        long records = 0;
        long upserted = 0;
        long deleted = 0;
        long skipped = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            long lastProgress = System.nanoTime();
            boolean caughtUp = false;
            while (follow != null ? follow.running().getAsBoolean() : !reachedEnd(consumer, end)) {
                if (follow != null && !caughtUp && reachedEnd(consumer, end)) {
                    caughtUp = true;
                    end.replaceAll((partition, offset) -> Long.MAX_VALUE);
                    follow.caughtUp().run();
                }
                ConsumerRecords<String, byte[]> batch = consumer.poll(POLL);
                if (batch.isEmpty()) {
                    if (follow != null) {
                        continue;
                    }
                    if (System.nanoTime() - lastProgress > IDLE_LIMIT.toNanos()) {
                        throw new IllegalStateException("no progress reading " + topic + " for " + IDLE_LIMIT.toSeconds() + " s");
                    }
                    continue;
                }
                lastProgress = System.nanoTime();
                // latest state per chunk id within this batch; null = tombstone
                Map<String, StoredChunk> latest = new LinkedHashMap<>();
                for (ConsumerRecord<String, byte[]> record : batch) {
                    // a rebuild stops at the end seen at the start; a follower applies everything
                    if (follow == null && record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
                        continue;
                    }
                    records++;
                    if (record.key() == null) {
                        skipped++;
                        warnings.accept("skipped " + where(record) + ": no key (a chunk id is required)");
                        continue;
                    }
                    if (record.value() == null) {
                        latest.remove(record.key());
                        latest.put(record.key(), null);
                        continue;
                    }
                    try {
                        StoredChunk chunk = toStoredChunk(serde.decode(record.value()));
                        latest.remove(record.key());
                        latest.put(record.key(), chunk);
                    } catch (SerializationException e) {
                        skipped++;
                        warnings.accept("skipped " + where(record) + ": " + e.getMessage());
                    }
                }
                long[] applied = apply(store, latest);
                upserted += applied[0];
                deleted += applied[1];
            }
        }
        return new Result(records, upserted, deleted, skipped, (System.nanoTime() - started) / 1e9);
    }

    /** The store's view of one chunk record. */
    public static StoredChunk toStoredChunk(ChunkEmbedded c) {
        return new StoredChunk(c.getChunkId(), c.getTenant(), c.getDocId(), c.getDocVersion(), c.getOrdinal(),
                c.getTitle(), c.getText(), List.copyOf(c.getAclGroups()), Map.copyOf(c.getMetadata()),
                Vectors.unpack(c.getEmbedding()));
    }

    private static long[] apply(VectorStore store, Map<String, StoredChunk> latest) {
        List<StoredChunk> upserts = new ArrayList<>();
        Map<String, List<String>> deletesByTenant = new HashMap<>();
        latest.forEach((chunkId, chunk) -> {
            if (chunk != null) {
                upserts.add(chunk);
            } else {
                String tenant = tenantOf(chunkId);
                if (tenant != null) {
                    deletesByTenant.computeIfAbsent(tenant, t -> new ArrayList<>()).add(chunkId);
                }
            }
        });
        // deletes first: within a batch a key appears once, so order between different keys does not matter
        long deleted = 0;
        for (var e : deletesByTenant.entrySet()) {
            store.deleteChunks(e.getKey(), e.getValue());
            deleted += e.getValue().size();
        }
        if (!upserts.isEmpty()) {
            store.upsert(upserts);
        }
        return new long[]{upserts.size(), deleted};
    }

    /** The tenant of a chunk id {@code <tenant>/<docId>#<ordinal>}; null when it has no tenant part. */
    static String tenantOf(String chunkId) {
        int hash = chunkId.lastIndexOf('#');
        String[] parts = ChunkIds.splitDocumentKey(hash < 0 ? chunkId : chunkId.substring(0, hash));
        return parts == null ? null : parts[0];
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset() + " (key " + record.key() + ")";
    }
}
