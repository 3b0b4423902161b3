package io.streamrag.vectorstore.weaviate;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrag.platform.vector.ChunkIds;
import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchMode;
import io.streamrag.platform.vector.SearchRequest;
import io.streamrag.platform.vector.StoredChunk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The adapter against a local server speaking Weaviate's REST and GraphQL wire format: what the store sends
 * (tenant, ids, vectors, filters) and how it reacts to what Weaviate answers (per-object errors behind HTTP 200,
 * GraphQL errors, 5xx).
 */
class WeaviateVectorStoreWireTest {

    private final WeaviateStub stub = new WeaviateStub();

    @AfterEach
    void stopStub() {
        stub.close();
    }

    private WeaviateVectorStore connect() {
        return WeaviateVectorStore.connect(WeaviateConfig.of(stub.url()));
    }

    private static StoredChunk chunk(String tenant, String docId, int ordinal, List<String> groups, float... vector) {
        return new StoredChunk(ChunkIds.chunkId(tenant, docId, ordinal), tenant, docId, 3, ordinal, "Title " + docId,
                "text " + ordinal + " of " + docId, groups, Map.of("source", docId + ".md"), vector);
    }

    @Test
    void shouldCreateMultiTenantClassWithBringYourOwnVectors_whenClassIsMissing() {
        // when
        connect();

        // then
        List<WeaviateStub.Request> created = stub.requests("POST", "/v1/schema");
        assertThat(created).hasSize(1);
        JsonNode schema = created.get(0).json();
        assertThat(schema.get("class").asText()).isEqualTo("StreamRagChunk");
        assertThat(schema.get("vectorizer").asText()).isEqualTo("none");
        assertThat(schema.at("/multiTenancyConfig/enabled").asBoolean()).isTrue();
        Map<String, String> tokenization = new java.util.HashMap<>();
        schema.get("properties").forEach(p -> tokenization.put(p.get("name").asText(),
                p.hasNonNull("tokenization") ? p.get("tokenization").asText() : ""));
        assertThat(tokenization).containsEntry("chunkId", "field").containsEntry("docId", "field")
                .containsEntry("tenant", "field").containsEntry("aclGroups", "field").containsEntry("text", "word");
    }

    @Test
    void shouldNotRecreateClass_whenItAlreadyExists() {
        // given
        connect();

        // when
        connect();

        // then
        assertThat(stub.requests("POST", "/v1/schema")).hasSize(1);
    }

    @Test
    void shouldSendTenantDeterministicIdsAndVectors_whenUpserting() {
        // given
        WeaviateVectorStore store = connect();
        StoredChunk first = chunk("acme", "handbook", 0, List.of(), 0.25f, -0.5f, 1f);
        StoredChunk second = chunk("acme", "handbook", 1, List.of("eng", "ops"), 1f, 0f, 0f);

        // when
        store.upsert(List.of(first, second));
        store.upsert(List.of(first));

        // then the tenant is created once, then known
        List<WeaviateStub.Request> tenantCreations = stub.requests("POST", "/v1/schema/StreamRagChunk/tenants");
        assertThat(tenantCreations).hasSize(1);
        assertThat(tenantCreations.get(0).json().get(0).get("name").asText()).isEqualTo("acme");
        // and every object carries its tenant, its name-based id and its vector
        List<WeaviateStub.Request> batches = stub.requests("POST", "/v1/batch/objects");
        assertThat(batches).hasSize(2);
        JsonNode objects = batches.get(0).json().get("objects");
        assertThat(objects).hasSize(2);
        JsonNode sent = objects.get(1);
        assertThat(sent.get("id").asText()).isEqualTo(ChunkIds.uuidOf("acme/handbook#1").toString());
        assertThat(sent.get("class").asText()).isEqualTo("StreamRagChunk");
        assertThat(sent.get("tenant").asText()).isEqualTo("acme");
        assertThat(StreamSupport.stream(sent.get("vector").spliterator(), false).map(JsonNode::floatValue).toList())
                .containsExactly(1f, 0f, 0f);
        assertThat(sent.at("/properties/chunkId").asText()).isEqualTo("acme/handbook#1");
        assertThat(sent.at("/properties/aclGroups").toString()).isEqualTo("[\"eng\",\"ops\"]");
        assertThat(sent.at("/properties/isPublic").asBoolean()).isFalse();
        assertThat(objects.get(0).at("/properties/isPublic").asBoolean()).isTrue();
        assertThat(batches.get(1).json().at("/objects/0/id").asText()).isEqualTo(objects.get(0).get("id").asText());
    }

    @Test
    void shouldUseHashedWeaviateTenant_butKeepTheTenantNameInFilters_whenNameIsNotAllowedByWeaviate() {
        // given
        WeaviateVectorStore store = connect();
        String weaviateTenant = WeaviateMapper.tenantName("acme.co.kr");

        // when
        store.upsert(List.of(chunk("acme.co.kr", "faq", 0, null, 1f)));
        store.search(new SearchRequest("acme.co.kr", Set.of(), null, new float[]{1f}, 2, SearchMode.VECTOR));

        // then
        assertThat(weaviateTenant).startsWith("t_");
        assertThat(stub.requests("POST", "/v1/schema/StreamRagChunk/tenants").get(0).json().get(0).get("name").asText())
                .isEqualTo(weaviateTenant);
        JsonNode object = stub.requests("POST", "/v1/batch/objects").get(0).json().at("/objects/0");
        assertThat(object.get("tenant").asText()).isEqualTo(weaviateTenant);
        assertThat(object.at("/properties/tenant").asText()).isEqualTo("acme.co.kr");
        assertThat(stub.requests("POST", "/v1/graphql").get(0).json().get("query").asText())
                .contains("tenant:\"" + weaviateTenant + "\"")
                .contains("path:[\"tenant\"] valueText:\"acme.co.kr\"");
    }

    @Test
    void shouldSplitUpsertIntoBatches_whenMoreChunksThanBatchSize() {
        // given
        WeaviateVectorStore store = WeaviateVectorStore.connect(new WeaviateConfig(stub.url(), Optional.empty(),
                "StreamRagChunk", 2, 5_000, 0.5, "word", 2));
        List<StoredChunk> chunks = List.of(chunk("t", "d", 0, null, 1f), chunk("t", "d", 1, null, 1f),
                chunk("t", "d", 2, null, 1f), chunk("t", "d", 3, null, 1f), chunk("t", "d", 4, null, 1f));

        // when
        store.upsert(chunks);

        // then
        assertThat(stub.requests("POST", "/v1/batch/objects")).extracting(r -> r.json().get("objects").size())
                .containsExactly(2, 2, 1);
    }

    @Test
    void shouldFailNamingTheChunk_whenOneObjectFailsBehindHttp200() {
        // given
        WeaviateVectorStore store = connect();
        stub.answerBatch(request -> WeaviateStub.echoObjects(request, Map.of(1, "vector lengths don't match: 3 vs 384")));

        // when / then
        assertThatThrownBy(() -> store.upsert(List.of(chunk("acme", "faq", 0, null, 1f, 0f, 0f),
                chunk("acme", "faq", 1, null, 1f, 0f, 0f))))
                .isInstanceOfSatisfying(WeaviateStoreException.class, e -> assertThat(e.retriable()).isFalse())
                .hasMessage("Weaviate upsert failed for chunk acme/faq#1: vector lengths don't match: 3 vs 384");
    }

    @Test
    void shouldCountTheOtherFailedObjects_whenSeveralFail() {
        // given
        WeaviateVectorStore store = connect();
        stub.answerBatch(request -> WeaviateStub.echoObjects(request, Map.of(0, "tenant not active", 2, "tenant not active")));

        // when / then
        assertThatThrownBy(() -> store.upsert(List.of(chunk("acme", "faq", 0, null, 1f),
                chunk("acme", "faq", 1, null, 1f), chunk("acme", "faq", 2, null, 1f))))
                .hasMessage("Weaviate upsert failed for chunk acme/faq#0: tenant not active (and 1 more of 3 in the batch)");
    }

    @Test
    void shouldFail_whenBatchResponseLacksAnObject() {
        // given
        WeaviateVectorStore store = connect();
        stub.answerBatch(request -> WeaviateStub.Response.json(200, List.of()));

        // when / then
        assertThatThrownBy(() -> store.upsert(List.of(chunk("acme", "faq", 0, null, 1f))))
                .hasMessageStartingWith("Weaviate upsert failed for chunk acme/faq#0: no result for object");
    }

    @Test
    void shouldRetryTheBatch_whenServerAnswers5xxOnce() {
        // given (503 is retried once by the HTTP client itself; 500 is not)
        WeaviateVectorStore store = connect();
        stub.answerBatch(request -> WeaviateStub.Response.json(500, Map.of("error", List.of(Map.of("message", "shard busy")))));

        // when
        store.upsert(List.of(chunk("acme", "faq", 0, null, 1f)));

        // then
        assertThat(stub.requests("POST", "/v1/batch/objects")).hasSize(2);
    }

    @Test
    void shouldFailRetriably_whenServerKeepsAnswering5xx() {
        // given: the first attempt and both retries fail
        WeaviateVectorStore store = connect();
        for (int i = 0; i < 3; i++) {
            stub.answerBatch(request -> WeaviateStub.Response.json(500,
                    Map.of("error", List.of(Map.of("message", "shard is read-only")))));
        }

        // when / then
        assertThatThrownBy(() -> store.upsert(List.of(chunk("acme", "faq", 0, null, 1f))))
                .isInstanceOfSatisfying(WeaviateStoreException.class, e -> assertThat(e.retriable()).isTrue())
                .hasMessageContaining("Weaviate upsert failed for chunk acme/faq#0")
                .hasMessageContaining("HTTP 500")
                .hasMessageContaining("shard is read-only");
        assertThat(stub.requests("POST", "/v1/batch/objects")).hasSize(3);
    }

    @Test
    void shouldNotRetry_whenAnObjectIsRejected() {
        // given
        WeaviateVectorStore store = connect();
        stub.answerBatch(request -> WeaviateStub.echoObjects(request, Map.of(0, "invalid text property 'docVersion'")));

        // when / then
        assertThatThrownBy(() -> store.upsert(List.of(chunk("acme", "faq", 0, null, 1f))))
                .hasMessage("Weaviate upsert failed for chunk acme/faq#0: invalid text property 'docVersion'");
        assertThat(stub.requests("POST", "/v1/batch/objects")).hasSize(1);
    }

    @Test
    void shouldFailClearly_whenServerIsUnreachable() {
        // given a port nobody listens on
        stub.close();

        // when / then
        assertThatThrownBy(() -> WeaviateVectorStore.connect(new WeaviateConfig(stub.url(), Optional.empty(),
                "StreamRagChunk", 10, 1_000, 0.5, "word", 0)))
                .isInstanceOfSatisfying(WeaviateStoreException.class, e -> assertThat(e.retriable()).isTrue())
                .hasMessageContaining("Weaviate schema check failed for class StreamRagChunk at " + stub.url());
    }

    @Test
    void shouldScopeVectorSearchToTenantAndAcl_andMapHits() {
        // given
        WeaviateVectorStore store = connect();
        stub.withTenant("acme").answerGraphQL(WeaviateStub.Response.json(200, Map.of("data", Map.of("Get", Map.of("StreamRagChunk",
                List.of(Map.of("chunkId", "acme/handbook#2", "docId", "handbook", "tenant", "acme", "aclGroups", List.of("eng"),
                        "docVersion", 3, "ordinal", 2, "title", "Handbook", "text", "Deploys happen on Tuesdays.",
                        "metadata", "{\"source\":\"handbook.md\"}",
                        "_additional", Map.of("id", ChunkIds.uuidOf("acme/handbook#2").toString(), "distance", 0.25))))))));

        // when
        List<ScoredChunk> hits = store.search(new SearchRequest("acme", Set.of("eng", "admins"), null,
                new float[]{0.5f, 0.25f}, 4, SearchMode.VECTOR));

        // then the query is tenant-scoped, ACL-filtered and carries the vector
        String query = stub.requests("POST", "/v1/graphql").get(0).json().get("query").asText();
        assertThat(query).contains("StreamRagChunk(tenant:\"acme\"")
                .contains("nearVector:{vector:[0.5,0.25]}")
                .contains("limit:4")
                .contains("path:[\"tenant\"] valueText:\"acme\"")
                .contains("path:[\"isPublic\"] valueBoolean:true")
                .contains("path:[\"aclGroups\"] valueText:[\"admins\",\"eng\"]");
        // and the hit comes back as a chunk with cosine similarity
        assertThat(hits).hasSize(1);
        ScoredChunk hit = hits.get(0);
        assertThat(hit.chunk().chunkId()).isEqualTo("acme/handbook#2");
        assertThat(hit.chunk().aclGroups()).containsExactly("eng");
        assertThat(hit.chunk().docVersion()).isEqualTo(3);
        assertThat(hit.chunk().metadata()).containsEntry("source", "handbook.md");
        assertThat(hit.score()).isEqualTo(0.75);
    }

    @Test
    void shouldSendBm25AndHybridArguments_whenSearchingByKeywordAndHybrid() {
        // given
        WeaviateVectorStore store = connect();
        stub.withTenant("acme");

        // when
        store.search(new SearchRequest("acme", Set.of(), "배포 일정", null, 3, SearchMode.KEYWORD));
        store.search(SearchRequest.hybrid("acme", Set.of(), "deploy schedule", new float[]{1f, 0f}, 5));

        // then
        List<WeaviateStub.Request> queries = stub.requests("POST", "/v1/graphql");
        String keyword = queries.get(0).json().get("query").asText();
        // GraphQL string escapes: the Korean query travels as \\uXXXX
        assertThat(keyword).contains("bm25:{query:\"\\uBC30\\uD3EC \\uC77C\\uC815\"").contains("properties:[\"text\",\"title\"]")
                .contains("path:[\"isPublic\"] valueBoolean:true").doesNotContain("aclGroups\"] valueText");
        String hybrid = queries.get(1).json().get("query").asText();
        assertThat(hybrid).contains("hybrid:{query:\"deploy schedule\"").contains("alpha:0.5").contains("vector:[1.0,0.0]")
                .contains("tenant:\"acme\"");
    }

    @Test
    void shouldKeepQueryTextAndGroupsInsideTheirStrings_whenTheyContainQuotes() {
        // given
        WeaviateVectorStore store = connect();
        stub.withTenant("acme");

        // when
        store.search(new SearchRequest("acme", Set.of("eng\"} ) {x"), "refund\" limit:100) { secret", null, 3, SearchMode.KEYWORD));

        // then
        String query = stub.requests("POST", "/v1/graphql").get(0).json().get("query").asText();
        assertThat(query).contains("query:\"refund\\\" limit:100) { secret\"")
                .contains("valueText:\"eng\\\"} ) {x\"")
                .contains("limit:3){");
    }

    @Test
    void shouldFail_whenGraphQLReportsErrorsWithHttp200() {
        // given
        WeaviateVectorStore store = connect();
        stub.withTenant("acme").answerGraphQL(WeaviateStub.Response.json(200, Map.of(
                "data", Map.of("Get", Map.of("StreamRagChunk", List.of())),
                "errors", List.of(Map.of("message", "vector lengths don't match: 2 vs 384", "path", List.of("Get", "StreamRagChunk"))))));

        // when / then
        assertThatThrownBy(() -> store.search(new SearchRequest("acme", Set.of(), null, new float[]{1f, 0f}, 3, SearchMode.VECTOR)))
                .isInstanceOf(WeaviateStoreException.class)
                .hasMessage("Weaviate VECTOR search in tenant acme failed: GraphQL error: vector lengths don't match: 2 vs 384");
    }

    @Test
    void shouldReturnNothingWithoutQuerying_whenTenantDoesNotExist() {
        // given
        WeaviateVectorStore store = connect();

        // when
        List<ScoredChunk> hits = store.search(new SearchRequest("nobody", Set.of(), "x", null, 3, SearchMode.KEYWORD));

        // then
        assertThat(hits).isEmpty();
        assertThat(store.count("nobody")).isZero();
        assertThat(store.deleteDocument("nobody", "doc")).isZero();
        assertThat(stub.requests("POST", "/v1/graphql")).isEmpty();
        assertThat(stub.requests("DELETE", "/v1/batch/objects")).isEmpty();
    }

    @Test
    void shouldDeleteDocumentInLoops_whenMoreObjectsMatchThanOneCallRemoves() {
        // given
        WeaviateVectorStore store = connect();
        stub.withTenant("acme")
                .answerDelete(WeaviateStub.Response.json(200, Map.of("results",
                        Map.of("matches", 10000, "limit", 10000, "successful", 10000, "failed", 0))))
                .answerDelete(WeaviateStub.Response.json(200, Map.of("results",
                        Map.of("matches", 7, "limit", 10000, "successful", 7, "failed", 0))));

        // when
        long removed = store.deleteDocument("acme", "handbook");

        // then
        assertThat(removed).isEqualTo(10007);
        List<WeaviateStub.Request> deletes = stub.requests("DELETE", "/v1/batch/objects");
        assertThat(deletes).hasSize(2);
        assertThat(deletes.get(0).query()).contains("tenant=acme");
        JsonNode match = deletes.get(0).json().get("match");
        assertThat(match.get("class").asText()).isEqualTo("StreamRagChunk");
        assertThat(match.at("/where/operator").asText()).isEqualTo("And");
        assertThat(match.at("/where/operands").toString())
                .contains("{\"operator\":\"Equal\",\"path\":[\"tenant\"],\"valueText\":\"acme\"}")
                .contains("{\"operator\":\"Equal\",\"path\":[\"docId\"],\"valueText\":\"handbook\"}");
    }

    @Test
    void shouldFail_whenSomeObjectsOfADeleteFail() {
        // given
        WeaviateVectorStore store = connect();
        stub.withTenant("acme");
        for (int i = 0; i < 3; i++) {
            stub.answerDelete(WeaviateStub.Response.json(200, Map.of("results",
                    Map.of("matches", 5, "limit", 10000, "successful", 3, "failed", 2))));
        }

        // when / then: repeated (deleting again is safe), then reported
        assertThatThrownBy(() -> store.deleteDocument("acme", "handbook"))
                .hasMessage("Weaviate delete failed for document handbook of tenant acme: 2 of 5 matching objects were not deleted");
        assertThat(stub.requests("DELETE", "/v1/batch/objects")).hasSize(3);
    }

    @Test
    void shouldDeleteChunksByIdWithinTenant() {
        // given
        WeaviateVectorStore store = connect();
        stub.withTenant("acme");

        // when
        store.deleteChunks("acme", List.of("acme/a#0", "acme/a#1"));

        // then
        JsonNode where = stub.requests("DELETE", "/v1/batch/objects").get(0).json().at("/match/where");
        assertThat(where.toString())
                .contains("{\"operator\":\"ContainsAny\",\"path\":[\"chunkId\"],\"valueTextArray\":[\"acme/a#0\",\"acme/a#1\"]}")
                .contains("{\"operator\":\"Equal\",\"path\":[\"tenant\"],\"valueText\":\"acme\"}");
    }

    @Test
    void shouldCountTenantObjectsThroughAggregate() {
        // given
        WeaviateVectorStore store = connect();
        stub.withTenant("acme").answerGraphQL(WeaviateStub.Response.json(200,
                Map.of("data", Map.of("Aggregate", Map.of("StreamRagChunk", List.of(Map.of("meta", Map.of("count", 42))))))));

        // when
        long count = store.count("acme");

        // then
        assertThat(count).isEqualTo(42);
        assertThat(stub.requests("POST", "/v1/graphql").get(0).json().get("query").asText())
                .contains("Aggregate").contains("tenant:\"acme\"").contains("meta{count}");
    }

    @Test
    void shouldSendApiKeyAsBearerToken_andNeverPrintIt() {
        // given
        WeaviateConfig config = new WeaviateConfig(stub.url(), Optional.of("s3cr3t-key"), "StreamRagChunk", 10, 5_000, 0.5, "word", 2);

        // when
        WeaviateVectorStore.connect(config);

        // then
        assertThat(stub.requests("GET", "/v1/schema").get(0).header("Authorization")).isEqualTo("Bearer s3cr3t-key");
        assertThat(config.toString()).doesNotContain("s3cr3t-key").contains("apiKey=****");
    }
}
