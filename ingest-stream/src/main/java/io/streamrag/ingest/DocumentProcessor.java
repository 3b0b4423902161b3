package io.streamrag.ingest;

import io.streamrag.events.DocumentSubmitted;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.text.Languages;
import io.streamrag.platform.text.Tokens;
import io.streamrag.platform.vector.ChunkIds;
import io.streamrag.platform.vector.StoredChunk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The ingest pipeline without Kafka: validate, extract, chunk, embed. Pure apart from the embedding call, and
 * shared by the stream and by offline tools, so an evaluation measures exactly what the stream indexes.
 * Every refusal is an {@link IngestRejection} naming the stage and the reason.
 *
 * <p>Validation is done before any expensive step: an oversized document is refused by its byte count, before
 * it is decoded or chunked.
 */
public final class DocumentProcessor {

    private final IngestSettings settings;
    private final Chunker chunker;
    private final Embedder embedder;

    public DocumentProcessor(IngestSettings settings, Embedder embedder) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.chunker = settings.chunker();
        this.embedder = Objects.requireNonNull(embedder, "embedder");
    }

    public IngestSettings settings() {
        return settings;
    }

    public Embedder embedder() {
        return embedder;
    }

    /** Validates, extracts, chunks and embeds a document that came without a record key. */
    public ProcessedDocument process(DocumentSubmitted doc) {
        return process(null, doc);
    }

    /** Validates (including the record key against tenant and doc id), extracts, chunks and embeds. */
    public ProcessedDocument process(String recordKey, DocumentSubmitted doc) {
        return embed(prepare(recordKey, doc));
    }

    /** Everything but the embedding: validation, extraction and chunking. */
    public PreparedDocument prepare(String recordKey, DocumentSubmitted doc) {
        long started = System.nanoTime();
        String tenant = doc.getTenant();
        if (tenant == null || tenant.isBlank()) {
            throw reject("tenant is missing: every document must name the tenant that owns it");
        }
        if (tenant.indexOf('/') >= 0) {
            throw reject("tenant '" + tenant + "' must not contain '/'");
        }
        String docId = doc.getDocId();
        if (docId == null || docId.isBlank()) {
            throw reject("docId is missing");
        }
        String documentKey = ChunkIds.documentKey(tenant, docId);
        if (recordKey != null && !recordKey.isEmpty() && !recordKey.equals(documentKey) && !recordKey.equals(docId)) {
            throw reject("record key '" + recordKey + "' does not match the document '" + documentKey
                    + "' (use the key '<tenant>/<docId>')");
        }
        if (doc.getVersion() < 1) {
            throw reject("version must be 1 or more, not " + doc.getVersion());
        }
        String text = doc.getText();
        ByteBuffer content = doc.getContent();
        if (text != null && content != null) {
            throw reject("both 'text' and 'content' are set: send the document once");
        }
        if (text == null && content == null) {
            throw reject("the document has no content: set 'text' or 'content'");
        }
        long size = text != null ? utf8Length(text) : content.remaining();
        if (size > settings.maxDocumentBytes()) {
            throw reject("document is " + size + " bytes, over the limit of " + settings.maxDocumentBytes()
                    + " bytes (ingest.max.document.bytes)");
        }
        TextExtractor.Format format = TextExtractor.formatOf(doc.getContentType());
        String raw = text != null ? text : TextExtractor.decodeUtf8(bytesOf(content));
        TextExtractor.Extracted extracted = TextExtractor.extract(format, raw);
        if (extracted.text().isBlank()) {
            throw new IngestRejection(IngestStage.EXTRACT, "the document is empty: no text left after extracting "
                    + (doc.getContentType() == null ? "text/plain" : doc.getContentType()));
        }
        String title = doc.getTitle() != null && !doc.getTitle().isBlank() ? doc.getTitle().strip() : extracted.title().orElse(null);
        long extractedAt = System.nanoTime();
        List<String> chunkTexts = chunker.chunk(title, extracted.text());
        if (chunkTexts.isEmpty()) {
            throw new IngestRejection(IngestStage.CHUNK, "the document has no words to index");
        }
        long chunked = System.nanoTime();
        Map<String, String> metadata = new TreeMap<>();
        doc.getMetadata().forEach((k, v) -> metadata.put(k.toString(), v == null ? "" : v.toString()));
        List<String> groups = doc.getAclGroups().stream().map(Object::toString).toList();
        return new PreparedDocument(documentKey, tenant, docId, doc.getVersion(), title,
                doc.getHeader() == null ? documentKey : doc.getHeader().getCorrelationId(),
                groups, metadata, chunkTexts, size, Languages.detect(extracted.text()),
                millis(extractedAt - started), millis(chunked - extractedAt));
    }

    /** Embeds the chunk texts in batches and builds the stored chunks with their deterministic ids. */
    public ProcessedDocument embed(PreparedDocument doc) {
        long started = System.nanoTime();
        List<float[]> vectors;
        try {
            vectors = embedder.embedAll(doc.chunkTexts());
        } catch (RuntimeException e) {
            throw new IngestRejection(IngestStage.EMBED, "embedding with " + embedder.modelName() + " failed: " + e.getMessage(), e);
        }
        List<StoredChunk> chunks = new ArrayList<>(vectors.size());
        long tokens = 0;
        for (int ordinal = 0; ordinal < vectors.size(); ordinal++) {
            String text = doc.chunkTexts().get(ordinal);
            tokens += Tokens.estimate(text);
            chunks.add(new StoredChunk(ChunkIds.chunkId(doc.tenant(), doc.docId(), ordinal), doc.tenant(), doc.docId(),
                    doc.version(), ordinal, doc.title(), text, doc.aclGroups(), doc.metadata(), vectors.get(ordinal)));
        }
        return new ProcessedDocument(doc, chunks, embedder.modelName(), vectors.isEmpty() ? 0 : vectors.getFirst().length,
                tokens, millis(System.nanoTime() - started));
    }

    private static IngestRejection reject(String reason) {
        return new IngestRejection(IngestStage.VALIDATE, reason);
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    /** UTF-8 length of a string without encoding it (a 50 MB text is measured, not copied). */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
