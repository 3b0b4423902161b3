package io.streamrag.query;

import io.streamrag.events.AnswerStatus;
import io.streamrag.events.Citation;
import io.streamrag.events.QueryAnswered;
import io.streamrag.events.QueryRequested;
import io.streamrag.query.llm.stub.MistralWireStub;
import io.streamrag.query.prompt.BundledTemplates;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The query stream on a real broker against a local server speaking Mistral's chat API. */
class QueryStreamIntegrationTest {

    private static LuceneVectorStore store;

    @TempDir
    static Path storeDir;
    @TempDir
    Path stateDir;

    @BeforeAll
    static void loadDocuments() {
        store = LuceneVectorStore.open(storeDir.resolve("index"));
        List<QueryFixtures.Doc> docs = new ArrayList<>(QueryFixtures.DOCS);
        for (int t = 0; t < 12; t++) {
            docs.add(new QueryFixtures.Doc("tenant-" + t, "access-code", "Access code",
                    "The door access code of this office is " + (4100 + t) + ". Visitors must sign in at reception.", List.of()));
        }
        QueryFixtures.load(store, docs);
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    private static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new HashMap<>(a);
        all.putAll(b);
        return all;
    }

    private static Map<String, List<QueryAnswered>> byId(List<QueryAnswered> answers) {
        return answers.stream().collect(Collectors.groupingBy(QueryAnswered::getRequestId));
    }

    @Test
    void shouldAnswerEveryRequestExactlyOnce_includingLlmErrorsDeadlinesAndBadBytes() {
        try (MistralWireStub stub = MistralWireStub.start("test-key", Duration.ofMillis(200));
             QueryStreamHarness harness = new QueryStreamHarness(stateDir, with(QueryStreamHarness.stub(stub),
                     Map.of("query.default.timeout.ms", "4000")));
             QueryApp app = QueryApp.start(harness.config, QueryFixtures.embedder(), store)) {
            // given: the first call fails with a 500, the second never answers
            stub.enqueue(MistralWireStub.Fault.serverError(), MistralWireStub.Fault.hang());

            // when
            harness.send(QueryFixtures.request("e-0", "acme", "How are meals reimbursed?"));
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (stub.calls() < 1 && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            harness.send(QueryFixtures.request("e-1", "acme", "What happens to unused vacation days?"));
            // e-1 must be the call that hangs: the others go out once it has (with tenant limits on, requests reach
            // the LLM stage's tasks through a repartition, so their order across tasks is not the order sent)
            while (stub.calls() < 2 && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            harness.sendBytes("garbage", "not a request".getBytes(StandardCharsets.UTF_8));
            for (int i = 2; i < 12; i++) {
                harness.send(QueryFixtures.request("e-" + i, "acme", "How many vacation days do employees get? (" + i + ")"));
            }
            harness.send(QueryFixtures.request("e-0", "acme", "How are meals reimbursed?"));   // a redelivery
            harness.awaitAnswers(12, Duration.ofSeconds(60));

            // then
            Map<String, List<QueryAnswered>> answers = byId(harness.answers);
            assertThat(answers).hasSize(12);
            assertThat(answers.values()).allSatisfy(list -> assertThat(list).hasSize(1));
            assertThat(answers.get("e-0").getFirst().getStatus()).isEqualTo(AnswerStatus.FAILED);
            assertThat(answers.get("e-0").getFirst().getReason()).containsIgnoringCase("server error");
            assertThat(answers.get("e-1").getFirst().getStatus()).isEqualTo(AnswerStatus.TIMEOUT);
            assertThat(harness.answers).filteredOn(a -> a.getStatus() == AnswerStatus.OK).hasSize(10)
                    .allSatisfy(a -> {
                        assertThat(a.getProvider()).isEqualTo("mistral");
                        assertThat(a.getInputTokens()).isPositive();
                        assertThat(a.getGroundedness()).isNotNull();
                        assertThat(a.getCitations()).isNotEmpty();
                    });
            assertThat(harness.deadLetters).hasSize(1);
            assertThat(harness.deadLetters.getFirst().getReason()).contains("not Avro");
            assertThat(harness.telemetry).hasSize(12);
        }
    }

    @Test
    void shouldAnswerEveryRequestOnce_whenTheStreamIsStoppedWithCallsInFlightAndRestarted() {
        try (MistralWireStub stub = MistralWireStub.start("test-key", Duration.ofMillis(1500));
             QueryStreamHarness harness = new QueryStreamHarness(stateDir, with(QueryStreamHarness.stub(stub),
                     Map.of("query.default.timeout.ms", "180000")))) {
            // given: 30 requests whose calls are in flight when the stream stops
            QueryApp first = QueryApp.start(harness.config, QueryFixtures.embedder(), store);
            for (int i = 0; i < 30; i++) {
                harness.send(QueryFixtures.request("crash-" + i, i % 2 == 0 ? "acme" : "globex", "What does vacation look like? (" + i + ")"));
            }
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (stub.calls() < 10 && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertThat(stub.calls()).isGreaterThanOrEqualTo(10);

            // when: stopped under load, then restarted on the same state
            first.close();
            try (QueryApp second = QueryApp.start(harness.config, QueryFixtures.embedder(), store)) {
                harness.awaitAnswers(30, Duration.ofSeconds(90));
            }

            // then
            Map<String, List<QueryAnswered>> answers = byId(harness.answers);
            assertThat(answers).hasSize(30);
            assertThat(answers.values()).allSatisfy(list -> assertThat(list).hasSize(1));
            assertThat(harness.answers).allMatch(a -> a.getStatus() == AnswerStatus.OK);
            assertThat(harness.telemetry).hasSize(30);
        }
    }

    @Test
    void shouldNeverCiteAnotherTenantsChunk_acrossManyTenants() {
        try (MistralWireStub stub = MistralWireStub.start("test-key", Duration.ofMillis(50));
             QueryStreamHarness harness = new QueryStreamHarness(stateDir, QueryStreamHarness.stub(stub));
             QueryApp app = QueryApp.start(harness.config, QueryFixtures.embedder(), store)) {
            // given: twelve tenants, each with its own access code

            // when: every tenant asks for the access code, twice
            for (int round = 0; round < 2; round++) {
                for (int t = 0; t < 12; t++) {
                    harness.send(QueryFixtures.request("t" + t + "-" + round, "tenant-" + t, "What is the door access code of the office?"));
                }
            }
            harness.awaitAnswers(24, Duration.ofSeconds(60));

            // then
            assertThat(harness.answers).hasSize(24);
            for (QueryAnswered answer : harness.answers) {
                int tenant = Integer.parseInt(answer.getTenant().substring("tenant-".length()));
                assertThat(answer.getStatus()).isEqualTo(AnswerStatus.OK);
                assertThat(answer.getCitations()).extracting(Citation::getChunkId).allMatch(id -> id.startsWith(answer.getTenant() + "/"));
                assertThat(answer.getAnswer()).contains(Integer.toString(4100 + tenant));
                for (int other = 0; other < 12; other++) {
                    if (other != tenant) {
                        assertThat(answer.getAnswer()).doesNotContain(Integer.toString(4100 + other));
                    }
                }
            }
        }
    }

    @Test
    void shouldClassifySentimentWithTheBundledKoreanTemplate_endToEnd() {
        try (MistralWireStub stub = MistralWireStub.start("test-key", Duration.ofMillis(100));
             QueryStreamHarness harness = new QueryStreamHarness(stateDir, QueryStreamHarness.stub(stub));
             QueryApp app = QueryApp.start(harness.config, QueryFixtures.embedder(), store)) {
            // given
            QueryRequested request = QueryFixtures.request("ko-1", "acme", "이 제품 정말 최고예요! 강력 추천합니다.",
                    BundledTemplates.SENTIMENT_KO, Instant.now().plusSeconds(30));

            // when
            harness.send(request);
            harness.awaitAnswers(1, Duration.ofSeconds(30));

            // then
            assertThat(harness.answers).hasSize(1);
            QueryAnswered answer = harness.answers.getFirst();
            assertThat(answer.getStatus()).as(answer.getReason()).isEqualTo(AnswerStatus.OK);
            assertThat(answer.getTemplateId()).isEqualTo("sentiment-ko");
            assertThat(answer.getTemplateVersion()).isEqualTo(1);
            assertThat(answer.getFields()).containsOnlyKeys("감정", "강도", "설명");
            assertThat(answer.getFields().get("감정")).isIn("긍정적", "중립적", "부정적");
            assertThat(Integer.parseInt(answer.getFields().get("강도"))).isBetween(1, 5);
            assertThat(answer.getFields().get("설명")).isNotBlank();
            assertThat(answer.getCitations()).isEmpty();
        }
    }
}
