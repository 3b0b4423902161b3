package io.streamrag.ingest;

import io.streamrag.events.ChunkEmbedded;
import io.streamrag.events.DeadLetter;
import io.streamrag.events.DocumentIngested;
import io.streamrag.events.Telemetry;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.platform.vector.VectorStore;
import io.streamrag.schemas.AvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The ingest stream as a function of its topics and ports.
 *
 * <pre>
 * in   rag.document.submitted   '&lt;tenant&gt;/&lt;docId&gt;' (String; or docId, or none) -&gt; DocumentSubmitted, read as raw bytes;
 *                               a null value (tombstone) on '&lt;tenant&gt;/&lt;docId&gt;' deletes the document
 * out  rag.chunk.embedded       chunkId '&lt;tenant&gt;/&lt;docId&gt;#&lt;ordinal&gt;' -&gt; ChunkEmbedded (packed float32 vector),
 *                               or null (tombstone) for a chunk that no longer exists; compacted
 *      rag.document.ingested    '&lt;tenant&gt;/&lt;docId&gt;' -&gt; DocumentIngested (INDEXED, UNCHANGED, STALE, DELETED)
 *      rag.ingest.dlq           original key bytes -&gt; DeadLetter (reason, stage, source topic/partition/offset, also in headers)
 *      llmops.telemetry         tenant -&gt; Telemetry (kind INGEST; status = outcome, or DEAD_LETTER)
 * side the VectorStore: chunks upserted by chunk id, removed on replacement and deletion
 * state ingest-document-state   '&lt;tenant&gt;/&lt;docId&gt;' -&gt; version indexed and its chunk count (persistent, changelogged)
 * </pre>
 *
 * The source is read as bytes, not through the Avro serde, so that a record which is not our Avro (or is
 * written with an unknown schema) becomes a dead letter with its partition and offset instead of a
 * deserialization error that stops the stream. Everything happens in one processor because the outcome of a
 * document decides what goes to every output, and the version check must precede the costly embedding.
 * Versions of one document must be produced with the same key so they land on one partition, in order.
 */
public final class IngestTopology {

    public static final String SOURCE = "document-submitted-source";
    public static final String PROCESSOR = "ingest-document";
    public static final String STATE_STORE = "ingest-document-state";
    public static final String CHUNK_SINK = "chunk-embedded-sink";
    public static final String INGESTED_SINK = "document-ingested-sink";
    public static final String DEAD_LETTER_SINK = "ingest-dead-letter-sink";
    public static final String TELEMETRY_SINK = "ingest-telemetry-sink";

    private IngestTopology() {
    }

    public static Topology build(Topics topics, IngestSettings settings, Embedder embedder, VectorStore store) {
        DocumentProcessor documents = new DocumentProcessor(settings, embedder);
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), topics.documentSubmitted());
        topology.addProcessor(PROCESSOR, () -> new IngestProcessor(documents, store), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATE_STORE),
                Serdes.String(), IndexedDocument.serde()), PROCESSOR);
        topology.addSink(CHUNK_SINK, topics.chunkEmbedded(), Serdes.String().serializer(),
                AvroSerde.of(ChunkEmbedded.class).serializer(), PROCESSOR);
        topology.addSink(INGESTED_SINK, topics.documentIngested(), Serdes.String().serializer(),
                AvroSerde.of(DocumentIngested.class).serializer(), PROCESSOR);
        topology.addSink(DEAD_LETTER_SINK, topics.ingestDeadLetters(), Serdes.ByteArray().serializer(),
                AvroSerde.of(DeadLetter.class).serializer(), PROCESSOR);
        topology.addSink(TELEMETRY_SINK, topics.telemetry(), Serdes.String().serializer(),
                AvroSerde.of(Telemetry.class).serializer(), PROCESSOR);
        return topology;
    }
}
