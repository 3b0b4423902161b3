package io.streamrag.vectorstore.weaviate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrag.platform.vector.ChunkIds;
import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchMode;
import io.streamrag.platform.vector.StoredChunk;
import io.weaviate.client.base.WeaviateError;
import io.weaviate.client.base.WeaviateErrorMessage;
import io.weaviate.client.v1.batch.model.ObjectGetResponse;
import io.weaviate.client.v1.batch.model.ObjectGetResponseStatus;
import io.weaviate.client.v1.batch.model.ObjectsGetResponseAO2Result;
import io.weaviate.client.v1.data.model.WeaviateObject;
import io.weaviate.client.v1.filters.Operator;
import io.weaviate.client.v1.filters.WhereFilter;
import io.weaviate.client.v1.graphql.model.GraphQLError;
import io.weaviate.client.v1.graphql.query.fields.Field;
import io.weaviate.client.v1.misc.model.MultiTenancyConfig;
import io.weaviate.client.v1.misc.model.VectorIndexConfig;
import io.weaviate.client.v1.schema.model.DataType;
import io.weaviate.client.v1.schema.model.Property;
import io.weaviate.client.v1.schema.model.Tokenization;
import io.weaviate.client.v1.schema.model.WeaviateClass;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The pure mapping between StreamRAG chunks and Weaviate's wire model: the class schema, objects, where filters,
 * and the reading of batch, GraphQL and error responses. No I/O, so every rule here is unit-tested without a
 * server; {@link WeaviateVectorStore} only sends what this builds.
 *
 * <p>Access control: a chunk without ACL groups is stored with {@code isPublic = true}; a requester sees
 * {@code isPublic == true OR aclGroups ContainsAny <requester groups>}. A flag instead of a sentinel group means
 * no group name can ever collide with the marker.
 */
final class WeaviateMapper {

    static final String CHUNK_ID = "chunkId";
    static final String DOC_ID = "docId";
    static final String TENANT = "tenant";
    static final String ACL_GROUPS = "aclGroups";
    static final String IS_PUBLIC = "isPublic";
    static final String DOC_VERSION = "docVersion";
    static final String ORDINAL = "ordinal";
    static final String TITLE = "title";
    static final String TEXT = "text";
    static final String METADATA = "metadata";
    /** The properties BM25 ranks on (keyword and the lexical side of hybrid). */
    static final String[] LEXICAL_PROPERTIES = {TEXT, TITLE};

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private WeaviateMapper() {
    }

    /**
     * The class: multi-tenant, vectors brought by the caller (cosine, as MiniLM vectors are unit norm), id-like
     * properties filterable with {@code field} tokenization (exact match, no splitting on '/' or '#'), and only
     * text and title searchable by BM25.
     */
    static WeaviateClass schema(String className, String textTokenization) {
        return WeaviateClass.builder()
                .className(className)
                .description("StreamRAG chunks, one tenant per StreamRAG tenant")
                .vectorizer("none")
                .vectorIndexConfig(VectorIndexConfig.builder().distance("cosine").build())
                .multiTenancyConfig(MultiTenancyConfig.builder().enabled(true).autoTenantCreation(false).build())
                .properties(List.of(
                        keyword(CHUNK_ID, DataType.TEXT),
                        keyword(DOC_ID, DataType.TEXT),
                        keyword(TENANT, DataType.TEXT),
                        keyword(ACL_GROUPS, DataType.TEXT_ARRAY),
                        Property.builder().name(IS_PUBLIC).dataType(List.of(DataType.BOOLEAN)).indexFilterable(true).build(),
                        Property.builder().name(DOC_VERSION).dataType(List.of(DataType.INT)).indexFilterable(true).build(),
                        Property.builder().name(ORDINAL).dataType(List.of(DataType.INT)).indexFilterable(true).build(),
                        searchable(TITLE, textTokenization),
                        searchable(TEXT, textTokenization),
                        Property.builder().name(METADATA).dataType(List.of(DataType.TEXT))
                                .indexFilterable(false).indexSearchable(false).build()))
                .build();
    }

    private static Property keyword(String name, String dataType) {
        return Property.builder().name(name).dataType(List.of(dataType)).tokenization(Tokenization.FIELD)
                .indexFilterable(true).indexSearchable(false).build();
    }

    private static Property searchable(String name, String tokenization) {
        return Property.builder().name(name).dataType(List.of(DataType.TEXT)).tokenization(tokenization)
                .indexFilterable(false).indexSearchable(true).build();
    }

    /**
     * The Weaviate tenant of a StreamRAG tenant. Weaviate accepts {@code [A-Za-z0-9_-]{1,64}}; other names (dots,
     * Korean, longer) map to {@code t_} + 40 hex digits of their SHA-256. Every filter also matches the stored
     * {@code tenant} property, so even a hash collision could not show one tenant's chunks to another.
     */
    static String tenantName(String tenant) {
        if (tenant.matches("[A-Za-z0-9_-]{1,64}")) {
            return tenant;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(tenant.getBytes(StandardCharsets.UTF_8));
            return "t_" + HexFormat.of().formatHex(digest).substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static String uuid(String chunkId) {
        return ChunkIds.uuidOf(chunkId).toString();
    }

    static WeaviateObject toObject(String className, StoredChunk chunk) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(CHUNK_ID, chunk.chunkId());
        properties.put(DOC_ID, chunk.docId());
        properties.put(TENANT, chunk.tenant());
        properties.put(ACL_GROUPS, chunk.aclGroups());
        properties.put(IS_PUBLIC, chunk.aclGroups().isEmpty());
        properties.put(DOC_VERSION, chunk.docVersion());
        properties.put(ORDINAL, chunk.ordinal());
        properties.put(TITLE, chunk.title() == null ? "" : chunk.title());
        properties.put(TEXT, chunk.text());
        properties.put(METADATA, writeMetadata(chunk.metadata()));
        return WeaviateObject.builder()
                .id(uuid(chunk.chunkId()))
                .className(className)
                .tenant(tenantName(chunk.tenant()))
                .properties(properties)
                .vector(boxed(chunk.vector()))
                .build();
    }

    static Float[] boxed(float[] vector) {
        if (vector == null) {
            return null;
        }
        Float[] out = new Float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            out[i] = vector[i];
        }
        return out;
    }

    // ---- filters ----

    static WhereFilter inTenant(String tenant) {
        return text(TENANT, Operator.Equal, tenant);
    }

    static WhereFilter document(String tenant, String docId) {
        return and(inTenant(tenant), text(DOC_ID, Operator.Equal, docId));
    }

    static WhereFilter chunks(String tenant, Collection<String> chunkIds) {
        return and(inTenant(tenant), anyOf(CHUNK_ID, chunkIds.toArray(String[]::new)));
    }

    /** The tenant and what the requester may see: public chunks, and chunks sharing one of the requester's groups. */
    static WhereFilter visibleTo(String tenant, Set<String> requesterGroups) {
        WhereFilter isPublic = WhereFilter.builder().path(IS_PUBLIC).operator(Operator.Equal).valueBoolean(true).build();
        if (requesterGroups.isEmpty()) {
            // ContainsAny with no values is rejected by Weaviate: a requester without groups sees public chunks only
            return and(inTenant(tenant), isPublic);
        }
        // sorted, so the same request always produces the same query text
        String[] groups = new TreeSet<>(requesterGroups).toArray(String[]::new);
        WhereFilter shared = anyOf(ACL_GROUPS, groups);
        return and(inTenant(tenant), WhereFilter.builder().operator(Operator.Or).operands(isPublic, shared).build());
    }

    /**
     * The property (or, for an array property, one of its elements) equals one of the values. The client sends a
     * single value as a scalar, which the server refuses for ContainsAny; Equal on one value means the same.
     */
    private static WhereFilter anyOf(String property, String... values) {
        return text(property, values.length == 1 ? Operator.Equal : Operator.ContainsAny, values);
    }

    private static WhereFilter text(String property, String operator, String... values) {
        return WhereFilter.builder().path(property).operator(operator).valueText(values).build();
    }

    private static WhereFilter and(WhereFilter... operands) {
        return WhereFilter.builder().operator(Operator.And).operands(operands).build();
    }

    // ---- GraphQL ----

    /** The fields a search reads: the chunk, and the score the mode produces (distance for nearVector). */
    static Field[] searchFields(SearchMode mode) {
        Field additional = Field.builder().name("_additional").fields(
                Field.builder().name("id").build(),
                Field.builder().name(mode == SearchMode.VECTOR ? "distance" : "score").build()).build();
        List<Field> fields = new ArrayList<>();
        for (String name : List.of(CHUNK_ID, DOC_ID, TENANT, ACL_GROUPS, DOC_VERSION, ORDINAL, TITLE, TEXT, METADATA)) {
            fields.add(Field.builder().name(name).build());
        }
        fields.add(additional);
        return fields.toArray(Field[]::new);
    }

    static Field countField() {
        return Field.builder().name("meta").fields(Field.builder().name("count").build()).build();
    }

    /** Hits of a {@code Get} response, in the server's order (best first). Score: BM25/hybrid score, or 1 - cosine distance. */
    static List<ScoredChunk> hits(Object data, String className) {
        List<ScoredChunk> hits = new ArrayList<>();
        for (Object item : list(map(map(data).get("Get")).get(className))) {
            Map<?, ?> object = map(item);
            Map<?, ?> additional = map(object.get("_additional"));
            StoredChunk chunk = new StoredChunk(
                    string(object.get(CHUNK_ID)),
                    string(object.get(TENANT)),
                    string(object.get(DOC_ID)),
                    number(object.get(DOC_VERSION)).longValue(),
                    number(object.get(ORDINAL)).intValue(),
                    string(object.get(TITLE)),
                    string(object.get(TEXT)),
                    list(object.get(ACL_GROUPS)).stream().map(String::valueOf).toList(),
                    readMetadata(string(object.get(METADATA))),
                    null);
            double score = additional.get("distance") != null
                    ? 1.0 - number(additional.get("distance")).doubleValue()
                    : number(additional.get("score")).doubleValue();
            hits.add(new ScoredChunk(chunk, score));
        }
        return hits;
    }

    /** {@code meta.count} of an {@code Aggregate} response; 0 when the tenant holds no object. */
    static long count(Object data, String className) {
        List<?> groups = list(map(map(data).get("Aggregate")).get(className));
        return groups.isEmpty() ? 0 : number(map(map(groups.get(0)).get("meta")).get("count")).longValue();
    }

    // ---- errors ----

    /** A failed object of a batch: which chunk, and why. */
    record ObjectFailure(String chunkId, String reason) {
    }

    /**
     * Every object of a batch that did not succeed. A REST batch answers HTTP 200 with per-object errors, so each
     * result is read; an object the server did not answer for counts as failed too.
     */
    static List<ObjectFailure> batchFailures(List<WeaviateObject> sent, ObjectGetResponse[] responses) {
        Map<String, ObjectGetResponse> byId = new HashMap<>();
        if (responses != null) {
            for (ObjectGetResponse response : responses) {
                if (response != null && response.getId() != null) {
                    byId.put(response.getId(), response);
                }
            }
        }
        List<ObjectFailure> failures = new ArrayList<>();
        for (WeaviateObject object : sent) {
            String chunkId = String.valueOf(object.getProperties().get(CHUNK_ID));
            ObjectGetResponse response = byId.get(object.getId());
            if (response == null) {
                failures.add(new ObjectFailure(chunkId, "no result for object " + object.getId() + " in the batch response"));
                continue;
            }
            ObjectsGetResponseAO2Result result = response.getResult();
            List<String> messages = result == null || result.getErrors() == null || result.getErrors().getError() == null
                    ? List.of()
                    : result.getErrors().getError().stream().map(e -> String.valueOf(e.getMessage())).toList();
            if (!messages.isEmpty()) {
                failures.add(new ObjectFailure(chunkId, String.join("; ", messages)));
            } else if (result != null && ObjectGetResponseStatus.FAILED.equals(result.getStatus())) {
                failures.add(new ObjectFailure(chunkId, "status FAILED without a message"));
            }
        }
        return failures;
    }

    static String describe(WeaviateError error) {
        if (error == null) {
            return "unknown error";
        }
        String messages = error.getMessages() == null ? "" : error.getMessages().stream()
                .map(WeaviateMapper::describe).collect(Collectors.joining("; "));
        String status = switch (error.getStatusCode()) {
            case 0 -> "no response: ";
            // GraphQL query errors arrive with HTTP 200; the client lifts them into the error
            case 200 -> "GraphQL error: ";
            default -> "HTTP " + error.getStatusCode() + ": ";
        };
        return status + messages;
    }

    private static String describe(WeaviateErrorMessage message) {
        if (message.getMessage() != null) {
            return message.getMessage();
        }
        return message.getThrowable() == null ? "no message" : message.getThrowable().toString();
    }

    /** No status (connection refused, timeout), throttling and server errors may pass on a second try. */
    static boolean retriable(WeaviateError error) {
        int status = error == null ? 0 : error.getStatusCode();
        return status <= 0 || status == 408 || status == 429 || status >= 500;
    }

    static String describe(GraphQLError[] errors) {
        return java.util.Arrays.stream(errors).map(GraphQLError::getMessage).collect(Collectors.joining("; "));
    }

    // ---- helpers ----

    private static String writeMetadata(Map<String, String> metadata) {
        try {
            return JSON.writeValueAsString(new java.util.TreeMap<>(metadata));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }

    private static Map<String, String> readMetadata(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            // written by another tool: keep the raw text rather than lose it
            return Map.of(METADATA, json);
        }
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> map ? map : Map.of();
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }

    private static String string(Object value) {
        return value == null ? "" : value.toString();
    }

    /** GraphQL numbers arrive as doubles, BM25 and hybrid scores as strings. */
    private static Number number(Object value) {
        if (value instanceof Number n) {
            return n;
        }
        if (value instanceof String s && !s.isBlank()) {
            return Double.parseDouble(s);
        }
        return 0;
    }
}
