package io.streamrag.vectorstore.lucene;

import io.streamrag.platform.vector.StoredChunk;
import io.streamrag.platform.vector.Vectors;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The layout of one chunk as a Lucene document, both ways. Pure mapping, no I/O.
 *
 * <p>Metadata value {@code v} under key {@code k} becomes a keyword term {@code m.k} (strings, UUIDs) or a
 * double point {@code n.k} (numbers), plus a typed stored value, so filters can match it and a read returns
 * the type that was written.
 */
final class ChunkDocuments {

    static final String UID = "uid";
    static final String TENANT = "tenant";
    static final String CHUNK_ID = "chunk_id";
    static final String DOC_ID = "doc_id";
    static final String DOC_VERSION = "doc_version";
    static final String ORDINAL = "ordinal";
    static final String TITLE = "title";
    static final String TEXT = "text";
    static final String TEXT_EN = "text_en";
    static final String TEXT_KO = "text_ko";
    static final String TEXT_KO_BIGRAM = "text_ko2";
    static final String ACL = "acl";
    static final String ACL_OPEN = "acl_open";
    static final String VECTOR = "vector";
    static final String META_TERM = "m.";
    static final String META_NUMBER = "n.";
    static final String META_TYPE = "t.";
    static final String YES = "1";

    /** Unit-norm vectors: dot product is cosine and the cheapest kernel; Lucene scores it (1 + dot) / 2. */
    static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;

    private ChunkDocuments() {
    }

    /** What the index holds for one chunk; {@code text} is null for a vector added without a segment. */
    record Entry(String tenant, String chunkId, String docId, long docVersion, int ordinal, String title,
                 String text, List<String> aclGroups, Map<String, Object> metadata, float[] vector) {

        static Entry of(StoredChunk chunk) {
            return new Entry(chunk.tenant(), chunk.chunkId(), chunk.docId(), chunk.docVersion(), chunk.ordinal(),
                    chunk.title(), chunk.text(), chunk.aclGroups(), new LinkedHashMap<>(chunk.metadata()),
                    chunk.vector());
        }

        StoredChunk toStoredChunk() {
            Map<String, String> strings = new LinkedHashMap<>();
            metadata.forEach((k, v) -> strings.put(k, String.valueOf(v)));
            return new StoredChunk(chunkId, tenant, docId, docVersion, ordinal, title, text == null ? "" : text,
                    aclGroups, strings, vector);
        }
    }

    /** The unique key of a chunk: chunk ids are only unique within a tenant. */
    static Term uid(String tenant, String chunkId) {
        return new Term(UID, tenant + '\u001f' + chunkId);
    }

    static Document toDocument(Entry entry) {
        Document doc = new Document();
        doc.add(new StringField(UID, uid(entry.tenant(), entry.chunkId()).text(), Field.Store.NO));
        doc.add(new StringField(TENANT, entry.tenant(), Field.Store.YES));
        doc.add(new StringField(CHUNK_ID, entry.chunkId(), Field.Store.YES));
        doc.add(new StringField(DOC_ID, entry.docId(), Field.Store.YES));
        doc.add(new StoredField(DOC_VERSION, entry.docVersion()));
        doc.add(new StoredField(ORDINAL, entry.ordinal()));
        if (entry.title() != null) {
            doc.add(new StoredField(TITLE, entry.title()));
        }
        if (entry.text() != null) {
            doc.add(new StoredField(TEXT, entry.text()));
        }
        // The title is searchable text too: questions often name what a document is about.
        String searchable = entry.title() == null || entry.title().isBlank()
                ? nullToEmpty(entry.text()) : entry.title() + "\n" + nullToEmpty(entry.text());
        if (!searchable.isBlank()) {
            doc.add(new TextField(TEXT_EN, searchable, Field.Store.NO));
            doc.add(new TextField(TEXT_KO, searchable, Field.Store.NO));
            doc.add(new TextField(TEXT_KO_BIGRAM, searchable, Field.Store.NO));
        }
        if (entry.aclGroups().isEmpty()) {
            doc.add(new StringField(ACL_OPEN, YES, Field.Store.NO));
        }
        for (String group : entry.aclGroups()) {
            doc.add(new StringField(ACL, group, Field.Store.YES));
        }
        entry.metadata().forEach((key, value) -> addMetadata(doc, key, value));
        if (entry.vector() != null) {
            doc.add(new KnnFloatVectorField(VECTOR, unitNorm(entry.vector()), SIMILARITY));
        }
        return doc;
    }

    private static void addMetadata(Document doc, String key, Object value) {
        switch (value) {
            case null -> throw new IllegalArgumentException("metadata '" + key + "' has a null value");
            case String s -> doc.add(new StringField(META_TERM + key, s, Field.Store.YES));
            case UUID u -> {
                doc.add(new StringField(META_TERM + key, u.toString(), Field.Store.YES));
                doc.add(new StoredField(META_TYPE + key, "uuid"));
            }
            case Integer i -> addNumber(doc, key, i, new StoredField(META_TERM + key, i));
            case Long l -> addNumber(doc, key, l, new StoredField(META_TERM + key, l));
            case Float f -> addNumber(doc, key, f, new StoredField(META_TERM + key, f));
            case Double d -> addNumber(doc, key, d, new StoredField(META_TERM + key, d));
            default -> throw new IllegalArgumentException("metadata '" + key + "' has an unsupported type "
                    + value.getClass().getName() + " (use String, UUID, Integer, Long, Float or Double)");
        }
    }

    private static void addNumber(Document doc, String key, Number value, StoredField stored) {
        doc.add(new DoubleField(META_NUMBER + key, value.doubleValue(), Field.Store.NO));
        doc.add(stored);
    }

    static Entry fromDocument(Document doc, float[] vector) {
        List<String> acl = new ArrayList<>();
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (IndexableField field : doc.getFields()) {
            String name = field.name();
            if (name.equals(ACL)) {
                acl.add(field.stringValue());
            } else if (name.startsWith(META_TERM)) {
                String key = name.substring(META_TERM.length());
                Object value = field.numericValue() != null ? field.numericValue() : field.stringValue();
                if ("uuid".equals(doc.get(META_TYPE + key))) {
                    value = UUID.fromString((String) value);
                }
                metadata.put(key, value);
            }
        }
        return new Entry(doc.get(TENANT), doc.get(CHUNK_ID), doc.get(DOC_ID),
                doc.getField(DOC_VERSION).numericValue().longValue(),
                doc.getField(ORDINAL).numericValue().intValue(),
                doc.get(TITLE), doc.get(TEXT), acl, metadata, vector);
    }

    /** Embedding models mostly emit unit vectors; normalising here keeps DOT_PRODUCT scores in range for the rest. */
    static float[] unitNorm(float[] vector) {
        double squared = Vectors.dot(vector, vector);
        return Math.abs(squared - 1.0) < 1e-4 ? vector : Vectors.normalize(vector);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
