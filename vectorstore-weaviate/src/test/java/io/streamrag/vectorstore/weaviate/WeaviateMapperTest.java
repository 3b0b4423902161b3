package io.streamrag.vectorstore.weaviate;

import io.streamrag.platform.vector.ChunkIds;
import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchMode;
import io.streamrag.platform.vector.StoredChunk;
import io.weaviate.client.base.WeaviateError;
import io.weaviate.client.base.WeaviateErrorMessage;
import io.weaviate.client.v1.batch.model.ObjectGetResponse;
import io.weaviate.client.v1.batch.model.ObjectsGetResponseAO2Result;
import io.weaviate.client.v1.data.model.WeaviateObject;
import io.weaviate.client.v1.filters.WhereFilter;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The wire mapping on its own: no server, no HTTP. */
class WeaviateMapperTest {

    private static StoredChunk chunk(String tenant, List<String> groups) {
        return new StoredChunk(ChunkIds.chunkId(tenant, "doc", 2), tenant, "doc", 7, 2, null, "body",
                groups, Map.of("b", "2", "a", "1"), new float[]{0.5f, -1f});
    }

    @Test
    void shouldKeepValidTenantNames_andHashOthersDeterministically() {
        // when / then
        assertThat(WeaviateMapper.tenantName("acme-EU_01")).isEqualTo("acme-EU_01");
        String korean = WeaviateMapper.tenantName("한국지사");
        assertThat(korean).matches("t_[0-9a-f]{40}").isEqualTo(WeaviateMapper.tenantName("한국지사"));
        assertThat(WeaviateMapper.tenantName("acme.corp")).matches("t_[0-9a-f]{40}").isNotEqualTo(korean);
        assertThat(WeaviateMapper.tenantName("x".repeat(65))).matches("t_[0-9a-f]{40}");
    }

    @Test
    void shouldMapChunkToObjectWithNameBasedIdTenantVectorAndPublicFlag() {
        // when
        WeaviateObject open = WeaviateMapper.toObject("StreamRagChunk", chunk("acme", List.of()));
        WeaviateObject restricted = WeaviateMapper.toObject("StreamRagChunk", chunk("acme.corp", List.of("hr")));

        // then
        assertThat(open.getId()).isEqualTo(ChunkIds.uuidOf("acme/doc#2").toString());
        assertThat(open.getTenant()).isEqualTo("acme");
        assertThat(open.getVector()).containsExactly(0.5f, -1f);
        assertThat(open.getProperties()).containsEntry("isPublic", true).containsEntry("title", "")
                .containsEntry("docVersion", 7L).containsEntry("tenant", "acme")
                .containsEntry("metadata", "{\"a\":\"1\",\"b\":\"2\"}");
        assertThat(restricted.getTenant()).isEqualTo(WeaviateMapper.tenantName("acme.corp"));
        assertThat(restricted.getProperties()).containsEntry("isPublic", false).containsEntry("tenant", "acme.corp")
                .containsEntry("aclGroups", List.of("hr"));
    }

    @Test
    void shouldLetRequesterWithoutGroupsSeePublicChunksOnly() {
        // when
        WhereFilter filter = WeaviateMapper.visibleTo("acme", Set.of());

        // then
        assertThat(filter.getOperator()).isEqualTo("And");
        assertThat(Arrays.stream(filter.getOperands()).map(WhereFilter::getPath).map(p -> p[0]))
                .containsExactly("tenant", "isPublic");
    }

    @Test
    void shouldLetRequesterSeePublicChunksOrChunksSharingAGroup() {
        // when
        WhereFilter filter = WeaviateMapper.visibleTo("acme", Set.of("eng", "hr"));

        // then
        WhereFilter acl = filter.getOperands()[1];
        assertThat(acl.getOperator()).isEqualTo("Or");
        assertThat(acl.getOperands()[0].getPath()).containsExactly("isPublic");
        assertThat(acl.getOperands()[0].getValueBoolean()).isTrue();
        assertThat(acl.getOperands()[1].getOperator()).isEqualTo("ContainsAny");
        assertThat(acl.getOperands()[1].getValueTextArray()).containsExactly("eng", "hr");
    }

    @Test
    void shouldMatchASingleGroupWithEqual_becauseContainsAnyRefusesAScalar() {
        // when
        WhereFilter shared = WeaviateMapper.visibleTo("acme", Set.of("hr")).getOperands()[1].getOperands()[1];

        // then
        assertThat(shared.getOperator()).isEqualTo("Equal");
        assertThat(shared.getPath()).containsExactly("aclGroups");
        assertThat(shared.getValueText()).isEqualTo("hr");
    }

    @Test
    void shouldReportEveryFailedObject_whenBatchAnsweredWithPerObjectErrors() {
        // given
        List<WeaviateObject> sent = List.of(
                WeaviateMapper.toObject("C", chunk("acme", List.of())),
                WeaviateMapper.toObject("C", new StoredChunk("acme/other#0", "acme", "other", 1, 0, "t", "x", null, null, new float[]{1f})),
                WeaviateMapper.toObject("C", new StoredChunk("acme/third#0", "acme", "third", 1, 0, "t", "x", null, null, new float[]{1f})));
        ObjectGetResponse ok = response(sent.get(0).getId(), "SUCCESS", null);
        ObjectGetResponse failedWithMessage = response(sent.get(1).getId(), null, "id already used by another class");
        ObjectGetResponse failedWithoutMessage = response(sent.get(2).getId(), "FAILED", null);

        // when
        List<WeaviateMapper.ObjectFailure> failures = WeaviateMapper.batchFailures(sent,
                new ObjectGetResponse[]{ok, failedWithMessage, failedWithoutMessage});

        // then
        assertThat(failures).containsExactly(
                new WeaviateMapper.ObjectFailure("acme/other#0", "id already used by another class"),
                new WeaviateMapper.ObjectFailure("acme/third#0", "status FAILED without a message"));
    }

    @Test
    void shouldReadHitsWithScoresOfEachMode() {
        // given: GraphQL numbers are doubles, BM25 and hybrid scores are strings
        Map<String, Object> hit = Map.of("chunkId", "acme/doc#0", "docId", "doc", "tenant", "acme", "aclGroups", List.of(),
                "docVersion", 2.0, "ordinal", 0.0, "title", "T", "text", "body", "metadata", "{}",
                "_additional", Map.of("id", "x", "score", "0.8125"));
        Map<String, Object> data = Map.of("Get", Map.of("StreamRagChunk", List.of(hit)));

        // when
        List<ScoredChunk> hits = WeaviateMapper.hits(data, "StreamRagChunk");

        // then
        assertThat(hits).singleElement().satisfies(h -> {
            assertThat(h.score()).isEqualTo(0.8125);
            assertThat(h.chunk().docVersion()).isEqualTo(2);
            assertThat(h.chunk().metadata()).isEmpty();
            assertThat(h.chunk().aclGroups()).isEmpty();
        });
        assertThat(WeaviateMapper.hits(Map.of("Get", Map.of("StreamRagChunk", List.of())), "StreamRagChunk")).isEmpty();
    }

    @Test
    void shouldAskForDistanceInVectorSearchAndScoreOtherwise() {
        // when / then
        assertThat(Arrays.toString(WeaviateMapper.searchFields(SearchMode.VECTOR))).contains("distance").doesNotContain("score");
        assertThat(Arrays.toString(WeaviateMapper.searchFields(SearchMode.HYBRID))).contains("score").doesNotContain("distance");
    }

    @Test
    void shouldTreatNoResponseAndServerErrorsAsRetriable_butNotRejections() {
        // given
        WeaviateError refused = new WeaviateError(0, List.of(new WeaviateErrorMessage(null, new ConnectException("Connection refused"))));
        WeaviateError rejected = new WeaviateError(422, List.of(new WeaviateErrorMessage("class has no property foo", null)));

        // when / then
        assertThat(WeaviateMapper.retriable(refused)).isTrue();
        assertThat(WeaviateMapper.describe(refused)).isEqualTo("no response: java.net.ConnectException: Connection refused");
        assertThat(WeaviateMapper.retriable(new WeaviateError(502, List.of()))).isTrue();
        assertThat(WeaviateMapper.retriable(rejected)).isFalse();
        assertThat(WeaviateMapper.describe(rejected)).isEqualTo("HTTP 422: class has no property foo");
    }

    private static ObjectGetResponse response(String id, String status, String error) {
        ObjectsGetResponseAO2Result result = new ObjectsGetResponseAO2Result();
        result.setStatus(status);
        if (error != null) {
            result.setErrors(new ObjectsGetResponseAO2Result.ErrorResponse(error));
        }
        ObjectGetResponse response = new ObjectGetResponse();
        response.setId(id);
        response.setResult(result);
        return response;
    }
}
