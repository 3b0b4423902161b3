package io.streamrag.ingest;

import io.streamrag.events.ChunkEmbedded;
import io.streamrag.events.DeadLetter;
import io.streamrag.events.DocumentIngested;
import io.streamrag.events.DocumentSubmitted;
import io.streamrag.events.IngestOutcome;
import io.streamrag.events.Telemetry;
import io.streamrag.events.TelemetryKind;
import io.streamrag.platform.kafka.DeadLetters;
import io.streamrag.platform.ops.LogContext;
import io.streamrag.platform.vector.ChunkIds;
import io.streamrag.platform.vector.StoredChunk;
import io.streamrag.platform.vector.VectorStore;
import io.streamrag.platform.vector.Vectors;
import io.streamrag.schemas.AvroSerde;
import io.streamrag.schemas.Events;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One document record in, its outcome on every output (see {@link IngestTopology}). */
final class IngestProcessor implements Processor<byte[], byte[], Object, Object> {

    /** Dead letters keep this much of the original value, so they stay below the broker's default record limit. */
    static final int DEAD_LETTER_PAYLOAD_BYTES = 512 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(IngestProcessor.class);
    private static final AvroSerde<DocumentSubmitted> DOCUMENTS = AvroSerde.of(DocumentSubmitted.class);

    private final DocumentProcessor documents;
    private final VectorStore store;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, IndexedDocument> state;

    IngestProcessor(DocumentProcessor documents, VectorStore store) {
        this.documents = documents;
        this.store = store;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.state = context.getStateStore(IngestTopology.STATE_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        // the document key is the id every log line about this submission carries, readable or not
        String id = record.key() == null ? null : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
        try (LogContext.Scope ids = LogContext.open(id, null, null)) {
            handle(record);
        }
    }

    private void handle(Record<byte[], byte[]> record) {
        DeadLetters.Origin origin = context.recordMetadata()
                .map(m -> new DeadLetters.Origin(m.topic(), m.partition(), m.offset()))
                .orElse(DeadLetters.Origin.unknown());
        String key;
        try {
            key = record.key() == null ? null : TextExtractor.decodeUtf8(record.key());
        } catch (IngestRejection e) {
            deadLetter(record, origin, null, null, new IngestRejection(IngestStage.DECODE, "the record key is not valid UTF-8"));
            return;
        }
        if (record.value() == null) {
            delete(record, origin, key);
            return;
        }
        DocumentSubmitted doc;
        try {
            doc = DOCUMENTS.decode(record.value());
        } catch (SerializationException e) {
            deadLetter(record, origin, key, null, new IngestRejection(IngestStage.DECODE, e.getMessage(), e));
            return;
        }
        String correlationId = doc.getHeader() == null ? null : doc.getHeader().getCorrelationId();
        try (LogContext.Scope ids = LogContext.open(key, correlationId, doc.getTenant())) {
            index(record, origin, key, doc);
        } catch (IngestRejection e) {
            try (LogContext.Scope ids = LogContext.open(key, correlationId, doc.getTenant())) {
                deadLetter(record, origin, key, doc.getTenant(), e);
            }
        }
    }

    private void index(Record<byte[], byte[]> record, DeadLetters.Origin origin, String key, DocumentSubmitted doc) {
        long started = System.nanoTime();
        PreparedDocument prepared = documents.prepare(key, doc);
        IndexedDocument indexed = state.get(prepared.documentKey());
        if (indexed != null && prepared.version() <= indexed.version()) {
            // a redelivery, or an older version arriving late: the index already holds this or newer
            IngestOutcome outcome = prepared.version() == indexed.version() ? IngestOutcome.UNCHANGED : IngestOutcome.STALE;
            report(record, origin, prepared.tenant(), prepared.docId(), prepared.correlationId(), prepared.version(), outcome,
                    indexed.chunks(), 0, Map.of("total", millis(System.nanoTime() - started)), null, prepared.language());
            return;
        }
        ProcessedDocument processed = documents.embed(prepared);
        long upsertStarted = System.nanoTime();
        List<StoredChunk> chunks = processed.chunks();
        List<String> obsolete = new ArrayList<>();
        for (int ordinal = chunks.size(); indexed != null && ordinal < indexed.chunks(); ordinal++) {
            obsolete.add(ChunkIds.chunkId(prepared.tenant(), prepared.docId(), ordinal));
        }
        try {
            store.upsert(chunks);
            if (!obsolete.isEmpty()) {
                store.deleteChunks(prepared.tenant(), obsolete);
            }
        } catch (RuntimeException e) {
            throw new IngestRejection(IngestStage.STORE, "vector store " + store.name() + " failed: " + e.getMessage(), e);
        }
        long upsertMs = millis(System.nanoTime() - upsertStarted);
        for (StoredChunk chunk : chunks) {
            context.forward(new Record<>(chunk.chunkId(), chunkEvent(processed, chunk), record.timestamp()), IngestTopology.CHUNK_SINK);
        }
        for (String chunkId : obsolete) {
            context.forward(new Record<>(chunkId, null, record.timestamp()), IngestTopology.CHUNK_SINK);
        }
        state.put(prepared.documentKey(), new IndexedDocument(prepared.version(), chunks.size()));
        Map<String, Long> latency = new LinkedHashMap<>();
        latency.put("extract", prepared.extractMs());
        latency.put("chunk", prepared.chunkMs());
        latency.put("embed", processed.embedMs());
        latency.put("upsert", upsertMs);
        latency.put("total", millis(System.nanoTime() - started));
        report(record, origin, prepared.tenant(), prepared.docId(), prepared.correlationId(), prepared.version(),
                IngestOutcome.INDEXED, chunks.size(), processed.tokens(), latency, processed.embeddingModel(), prepared.language());
    }

    private void delete(Record<byte[], byte[]> record, DeadLetters.Origin origin, String key) {
        long started = System.nanoTime();
        String[] parts = ChunkIds.splitDocumentKey(key);
        if (parts == null) {
            deadLetter(record, origin, key, null, new IngestRejection(IngestStage.VALIDATE,
                    "a tombstone deletes a document only with the record key '<tenant>/<docId>', not "
                            + (key == null ? "no key" : "'" + key + "'")));
            return;
        }
        String tenant = parts[0];
        String docId = parts[1];
        IndexedDocument indexed = state.get(key);
        long removed;
        try {
            removed = store.deleteDocument(tenant, docId);
        } catch (RuntimeException e) {
            deadLetter(record, origin, key, tenant, new IngestRejection(IngestStage.STORE,
                    "vector store " + store.name() + " failed to delete " + key + ": " + e.getMessage(), e));
            return;
        }
        int chunks = indexed != null ? indexed.chunks() : (int) Math.max(0, removed);
        for (int ordinal = 0; indexed != null && ordinal < indexed.chunks(); ordinal++) {
            context.forward(new Record<>(ChunkIds.chunkId(tenant, docId, ordinal), null, record.timestamp()), IngestTopology.CHUNK_SINK);
        }
        state.delete(key);
        long total = millis(System.nanoTime() - started);
        report(record, origin, tenant, docId, key, indexed == null ? 0 : indexed.version(), IngestOutcome.DELETED, chunks, 0,
                Map.of("upsert", total, "total", total), null, null);
    }

    private ChunkEmbedded chunkEvent(ProcessedDocument doc, StoredChunk chunk) {
        return ChunkEmbedded.newBuilder()
                .setHeader(Events.deterministicHeader("chunk|" + chunk.chunkId() + "|" + chunk.docVersion(),
                        doc.source().correlationId(), context.currentSystemTimeMs()))
                .setChunkId(chunk.chunkId())
                .setTenant(chunk.tenant())
                .setDocId(chunk.docId())
                .setDocVersion(chunk.docVersion())
                .setOrdinal(chunk.ordinal())
                .setChunkCount(doc.chunks().size())
                .setTitle(chunk.title())
                .setText(chunk.text())
                .setTokenCount(ProcessedDocument.tokensOf(chunk))
                .setAclGroups(List.copyOf(chunk.aclGroups()))
                .setMetadata(Map.copyOf(chunk.metadata()))
                .setEmbeddingModel(doc.embeddingModel())
                .setDimensions(chunk.vector().length)
                .setEmbedding(Vectors.pack(chunk.vector()))
                .build();
    }

    /** The outcome event and its telemetry. */
    private void report(Record<byte[], byte[]> record, DeadLetters.Origin origin, String tenant, String docId, String correlationId,
                        long version, IngestOutcome outcome, int chunks, long tokens, Map<String, Long> latency,
                        String model, String language) {
        String documentKey = ChunkIds.documentKey(tenant, docId);
        String eventName = origin.topic() + "|" + origin.partition() + "|" + origin.offset();
        long now = context.currentSystemTimeMs();
        DocumentIngested ingested = DocumentIngested.newBuilder()
                .setHeader(Events.deterministicHeader("ingested|" + eventName, correlationId, now))
                .setTenant(tenant)
                .setDocId(docId)
                .setVersion(version)
                .setOutcome(outcome)
                .setChunks(chunks)
                .setTokens(tokens)
                .setExtractMs(latency.getOrDefault("extract", 0L))
                .setChunkMs(latency.getOrDefault("chunk", 0L))
                .setEmbedMs(latency.getOrDefault("embed", 0L))
                .setUpsertMs(latency.getOrDefault("upsert", 0L))
                .setTotalMs(latency.getOrDefault("total", 0L))
                .build();
        context.forward(new Record<>(documentKey, ingested, record.timestamp()), IngestTopology.INGESTED_SINK);
        Telemetry telemetry = Telemetry.newBuilder()
                .setHeader(Events.deterministicHeader("telemetry|" + eventName, correlationId, now))
                .setKind(TelemetryKind.INGEST)
                .setTenant(tenant)
                .setSubjectId(documentKey)
                .setStatus(outcome.name())
                .setRequestModel(model)
                .setInputTokens(tokens)
                .setLatencyMs(latency)
                .setLanguage(language)
                .setChunks(outcome == IngestOutcome.INDEXED ? chunks : 0)
                .build();
        context.forward(new Record<>(tenant, telemetry, record.timestamp()), IngestTopology.TELEMETRY_SINK);
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetters.Origin origin, String key, String tenant, IngestRejection rejection) {
        byte[] payload = record.value();
        byte[] kept = payload == null || payload.length <= DEAD_LETTER_PAYLOAD_BYTES ? payload
                : Arrays.copyOf(payload, DEAD_LETTER_PAYLOAD_BYTES);
        Throwable error = rejection.getCause() != null ? rejection.getCause() : rejection;
        String eventName = origin.topic() + "|" + origin.partition() + "|" + origin.offset();
        String correlationId = key != null ? key : eventName;
        long now = context.currentSystemTimeMs();
        DeadLetter letter = DeadLetters.of(origin, rejection.stage().label(), rejection.reason(), error, record.key(), kept);
        letter.setHeader(Events.deterministicHeader("dlq|" + eventName, correlationId, now));
        letter.setPayloadSize(payload == null ? 0 : payload.length);
        LOG.warn("dead letter from {}-{}@{} ({}): {}", origin.topic(), origin.partition(), origin.offset(),
                rejection.stage().label(), rejection.reason());
        context.forward(new Record<>(record.key(), letter, record.timestamp(), DeadLetters.headers(letter)), IngestTopology.DEAD_LETTER_SINK);
        String owner = tenant != null && !tenant.isBlank() ? tenant : tenantOfKey(key);
        Telemetry telemetry = Telemetry.newBuilder()
                .setHeader(Events.deterministicHeader("telemetry|" + eventName, correlationId, now))
                .setKind(TelemetryKind.INGEST)
                .setTenant(owner)
                .setSubjectId(key != null ? key : "unknown")
                .setStatus("DEAD_LETTER")
                .setFlags(List.of(rejection.stage().label()))
                .setDeadLetters(1)
                .build();
        context.forward(new Record<>(owner, telemetry, record.timestamp()), IngestTopology.TELEMETRY_SINK);
    }

    private static String tenantOfKey(String key) {
        String[] parts = ChunkIds.splitDocumentKey(key);
        return parts == null ? "unknown" : parts[0];
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
