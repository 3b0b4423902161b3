package io.streamrag.query;

import io.streamrag.events.AnswerStatus;
import io.streamrag.events.Citation;
import io.streamrag.events.DeadLetter;
import io.streamrag.events.PromptTemplate;
import io.streamrag.events.QueryAnswered;
import io.streamrag.events.QueryRequested;
import io.streamrag.events.Telemetry;
import io.streamrag.platform.kafka.DeadLetters;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.query.llm.LlmClient;
import io.streamrag.query.llm.LlmRequest;
import io.streamrag.query.llm.LlmResponse;
import io.streamrag.query.prompt.BundledTemplates;
import io.streamrag.query.prompt.TemplateJson;
import io.streamrag.schemas.AvroSerde;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class QueryTopologyTest {

    private static final Topics TOPICS = Topics.defaults();
    private static LuceneVectorStore store;

    @TempDir
    static Path storeDir;
    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> requests;
    private TestInputTopic<String, PromptTemplate> templates;
    private TestOutputTopic<String, QueryAnswered> answers;
    private TestOutputTopic<String, Telemetry> telemetry;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeAll
    static void loadDocuments() {
        store = LuceneVectorStore.open(storeDir.resolve("index"));
        QueryFixtures.load(store, QueryFixtures.DOCS);
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private void start(LlmClient llm, QuerySettings settings) {
        QueryTopology.Ports ports = new QueryTopology.Ports(QueryFixtures.embedder(), store, llm, null,
                AnswerChecks.none(), (p, m, in, out) -> (in + out) / 1000.0, Runnable::run);
        Topology topology = QueryTopology.build(TOPICS, settings, ports);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "query-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props);
        requests = driver.createInputTopic(TOPICS.queryRequested(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        templates = driver.createInputTopic(TOPICS.promptTemplate(), Serdes.String().serializer(), AvroSerde.of(PromptTemplate.class).serializer());
        answers = driver.createOutputTopic(TOPICS.answerGenerated(), Serdes.String().deserializer(), AvroSerde.of(QueryAnswered.class).deserializer());
        telemetry = driver.createOutputTopic(TOPICS.telemetry(), Serdes.String().deserializer(), AvroSerde.of(Telemetry.class).deserializer());
        deadLetters = driver.createOutputTopic(TOPICS.queryDeadLetters(), Serdes.String().deserializer(), AvroSerde.of(DeadLetter.class).deserializer());
    }

    private void start(LlmClient llm) {
        start(llm, QuerySettings.defaults());
    }

    /** An LLM that cites the first passage and counts its calls. */
    private static LlmClient citingAndCounting(AtomicInteger calls) {
        return QueryFixtures.scripted(r -> {
            calls.incrementAndGet();
            return QueryFixtures.firstPassageCited(r);
        });
    }

    private void send(QueryRequested request) {
        requests.pipeInput(request.getRequestId(), AvroSerde.of(QueryRequested.class).encode(request));
    }

    @Test
    void shouldAnswerFromTheTenantsDocumentsWithCitationsAndOneTelemetryEvent() {
        // given
        start(QueryFixtures.scripted(QueryFixtures::firstPassageCited));

        // when
        send(QueryFixtures.request("r1", "acme", "How many days of paid vacation do employees get?"));
        driver.advanceWallClockTime(Duration.ofMillis(10));

        // then
        List<QueryAnswered> out = answers.readValuesToList();
        assertThat(out).hasSize(1);
        QueryAnswered answer = out.getFirst();
        assertThat(answer.getStatus()).isEqualTo(AnswerStatus.OK);
        assertThat(answer.getAnswer()).contains("25 days").contains("[vacation-policy]");
        assertThat(answer.getCitations()).extracting(Citation::getDocId).containsExactly("vacation-policy");
        assertThat(answer.getTemplateId()).isEqualTo("rag-qa");
        assertThat(answer.getTemplateVersion()).isEqualTo(1);
        assertThat(answer.getProvider()).isEqualTo("scripted");
        assertThat(answer.getCostUsd()).isGreaterThan(0.0);
        assertThat(answer.getLatencyMs()).containsOnlyKeys("embed", "retrieve", "queue", "llm", "checks", "total");
        List<TestRecord<String, Telemetry>> events = telemetry.readRecordsToList();
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().key()).isEqualTo("acme");
        assertThat(events.getFirst().value().getStatus()).isEqualTo("OK");
        assertThat(events.getFirst().value().getProviderName()).isEqualTo("scripted");
        assertThat(events.getFirst().value().getInputTokens()).isEqualTo(answer.getInputTokens());
    }

    @Test
    void shouldNeverShowAnotherTenantsOrAnotherGroupsChunksToTheModel() {
        // given
        List<LlmRequest> seen = new ArrayList<>();
        start(QueryFixtures.scripted(r -> {
            seen.add(r);
            return QueryFixtures.firstPassageCited(r);
        }));

        // when: globex asks about acme's documents; acme (not in group hr) asks about salaries
        send(QueryFixtures.request("g1", "globex", "How many days of paid vacation do Acme employees get?"));
        send(QueryFixtures.request("a1", "acme", "What are the salary bands for engineers?"));

        // then
        Map<String, QueryAnswered> byId = new HashMap<>();
        answers.readValuesToList().forEach(a -> byId.put(a.getRequestId(), a));
        assertThat(byId.get("g1").getCitations()).extracting(Citation::getDocId).allMatch(d -> d.startsWith("globex-"));
        assertThat(byId.get("a1").getCitations()).extracting(Citation::getDocId).doesNotContain("salary-bands");
        assertThat(seen).allSatisfy(r -> assertThat(r.userPrompt()).doesNotContain("70,000"));
        assertThat(seen.getFirst().userPrompt()).doesNotContain("Acme employees receive");
    }

    @Test
    void shouldRouteRecordToDeadLetters_whenPayloadIsNotAvro() {
        // given
        start(QueryFixtures.scripted(QueryFixtures::firstPassageCited));

        // when
        requests.pipeInput("bad-1", "{\"question\": \"json is not accepted\"}".getBytes(StandardCharsets.UTF_8));
        send(QueryFixtures.request("good-1", "acme", "How are meals reimbursed?"));

        // then: the dead letter says why, the stream goes on
        List<TestRecord<String, DeadLetter>> letters = deadLetters.readRecordsToList();
        assertThat(letters).hasSize(1);
        assertThat(letters.getFirst().value().getReason()).contains("not Avro single-object encoded");
        assertThat(letters.getFirst().value().getStage()).isEqualTo("decode");
        assertThat(new String(letters.getFirst().headers().lastHeader(DeadLetters.HEADER_REASON).value(), StandardCharsets.UTF_8))
                .contains("not Avro");
        assertThat(answers.readValuesToList()).extracting(QueryAnswered::getRequestId).containsExactly("good-1");
    }

    @Test
    void shouldAnswerFailedWithReason_whenRequestIsInvalid() {
        // given
        start(QueryFixtures.scripted(QueryFixtures::firstPassageCited));

        // when
        send(QueryFixtures.request("empty", "acme", "   "));
        send(QueryFixtures.request("no-tenant", "", "What is the vacation policy?"));
        send(QueryFixtures.request("long", "acme", "x".repeat(QuerySettings.defaults().maxQuestionChars() + 1)));

        // then
        Map<String, QueryAnswered> byId = new HashMap<>();
        answers.readValuesToList().forEach(a -> byId.put(a.getRequestId(), a));
        assertThat(byId).containsOnlyKeys("empty", "no-tenant", "long");
        assertThat(byId.values()).allMatch(a -> a.getStatus() == AnswerStatus.FAILED);
        assertThat(byId.get("empty").getReason()).contains("question is empty");
        assertThat(byId.get("no-tenant").getReason()).contains("tenant is empty");
        assertThat(byId.get("long").getReason()).contains("more than the limit");
        assertThat(telemetry.readValuesToList()).hasSize(3);
    }

    @Test
    void shouldAnswerOnce_whenRequestIsRedelivered() {
        // given
        AtomicInteger calls = new AtomicInteger();
        start(citingAndCounting(calls));
        QueryRequested request = QueryFixtures.request("dup", "acme", "How are meals reimbursed?");

        // when
        send(request);
        send(request);
        driver.advanceWallClockTime(Duration.ofMillis(10));
        send(request);

        // then
        assertThat(answers.readValuesToList()).hasSize(1);
        assertThat(telemetry.readValuesToList()).hasSize(1);
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void shouldDropARedeliveryWithinTheDedupeRetentionAndAnswerItAgainAfter() {
        // given
        AtomicInteger calls = new AtomicInteger();
        start(citingAndCounting(calls), QuerySettings.defaults().withDedupeRetention(Duration.ofMinutes(1)));
        QueryRequested request = QueryFixtures.request("late-dup", "acme", "How are meals reimbursed?");
        send(request);
        driver.advanceWallClockTime(Duration.ofMillis(10));

        // when
        driver.advanceWallClockTime(Duration.ofSeconds(50));
        send(request);                                           // within the minute: dropped
        driver.advanceWallClockTime(Duration.ofSeconds(30));     // the id is now older than the retention
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        send(request);                                           // forgotten: a new request
        driver.advanceWallClockTime(Duration.ofMillis(10));

        // then
        assertThat(answers.readValuesToList()).hasSize(2).allSatisfy(a -> assertThat(a.getStatus()).isEqualTo(AnswerStatus.OK));
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void shouldAnswerTimeout_whenTheLlmDoesNotAnswerBeforeTheDeadline() {
        // given: an LLM that never answers
        LlmClient silent = new LlmClient() {
            @Override
            public CompletableFuture<LlmResponse> complete(LlmRequest request) {
                return new CompletableFuture<>();
            }

            @Override
            public String provider() {
                return "silent";
            }

            @Override
            public String defaultModel() {
                return "none";
            }
        };
        start(silent, QuerySettings.defaults().withDefaultTimeout(Duration.ofSeconds(2)));

        // when
        send(QueryFixtures.request("slow", "acme", "How are meals reimbursed?"));
        driver.advanceWallClockTime(Duration.ofMillis(500));
        assertThat(answers.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofSeconds(2));

        // then
        List<QueryAnswered> out = answers.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.getFirst().getStatus()).isEqualTo(AnswerStatus.TIMEOUT);
        assertThat(out.getFirst().getReason()).contains("deadline");
    }

    @Test
    void shouldWaitForASlotAndServeTenantsRoundRobin_whenCallsExceedTheInFlightLimit() {
        // given: one slot, calls that complete only when the test says so
        List<CompletableFuture<LlmResponse>> calls = new ArrayList<>();
        List<String> order = new ArrayList<>();
        LlmClient manual = new LlmClient() {
            @Override
            public CompletableFuture<LlmResponse> complete(LlmRequest request) {
                order.add(request.requestId());
                CompletableFuture<LlmResponse> f = new CompletableFuture<>();
                calls.add(f);
                return f;
            }

            @Override
            public String provider() {
                return "manual";
            }

            @Override
            public String defaultModel() {
                return "m";
            }
        };
        start(manual, QuerySettings.defaults().withMaxInFlight(1));

        // when: acme queues three questions, then globex one
        send(QueryFixtures.request("a1", "acme", "How are meals reimbursed?"));
        send(QueryFixtures.request("a2", "acme", "What happens to unused vacation days?"));
        send(QueryFixtures.request("a3", "acme", "재택근무는 몇 회 가능한가요?"));
        send(QueryFixtures.request("g1", "globex", "How much is parking?"));
        for (int i = 0; i < 4; i++) {
            assertThat(calls).hasSize(i + 1);
            calls.get(i).complete(new LlmResponse("ok", "manual", "m", 1, 1, 1));
            driver.advanceWallClockTime(Duration.ofMillis(10));
        }

        // then: one call at a time, and globex is served before acme's third question
        assertThat(order).containsExactly("a1", "a2", "g1", "a3");
        assertThat(answers.readValuesToList()).hasSize(4);
    }

    @Test
    void shouldParseSentimentFieldsAndRepairOnce_whenTheFirstAnswerMissesAField() {
        // given: the first answer lacks 강도, the repair call supplies it
        List<LlmRequest> seen = new ArrayList<>();
        start(QueryFixtures.scripted(r -> {
            seen.add(r);
            return seen.size() == 1 ? "감정: 긍정적\n설명: 칭찬 표현" : "감정: 긍정적\n강도: 4\n설명: '좋아요'라는 긍정 표현을 사용했습니다.";
        }));

        // when
        send(QueryFixtures.request("s1", "acme", "배송이 빨라서 정말 좋아요.", BundledTemplates.SENTIMENT_KO, null));

        // then
        QueryAnswered answer = answers.readValue();
        assertThat(answer.getStatus()).isEqualTo(AnswerStatus.OK);
        assertThat(answer.getFields()).containsEntry("감정", "긍정적").containsEntry("강도", "4").containsKey("설명");
        assertThat(answer.getTemplateId()).isEqualTo("sentiment-ko");
        assertThat(answer.getFlags()).contains("output.repaired");
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1).userPrompt()).contains("field '강도' is missing");
        assertThat(seen.getFirst().systemPrompt()).contains("긍정적/중립적/부정적");
        assertThat(seen.getFirst().userPrompt()).contains("이 제품 정말 최고예요! 강력 추천합니다.");
        assertThat(seen.getFirst().userPrompt()).contains("배송이 빨라서 정말 좋아요.").endsWith("설명: [한 문장]");
    }

    @Test
    void shouldAnswerFailedWithTheReason_whenTheRepairedAnswerIsStillInvalid() {
        // given
        start(QueryFixtures.scripted(r -> "감정: 매우 좋음\n강도: 9\n설명: -"));

        // when
        send(QueryFixtures.request("s2", "acme", "그저 그래요.", BundledTemplates.SENTIMENT_KO, null));

        // then
        QueryAnswered answer = answers.readValue();
        assertThat(answer.getStatus()).isEqualTo(AnswerStatus.FAILED);
        assertThat(answer.getReason()).contains("after one repair").contains("감정").contains("강도");
    }

    @Test
    void shouldSendTheCanaryItsShareStickyPerRequestKey_whenANewVersionIsPushed() {
        // given: rag-qa v2 at 30% of traffic
        start(QueryFixtures.scripted(QueryFixtures::firstPassageCited));
        PromptTemplate v2 = TemplateJson.parse(TemplateJson.write(BundledTemplates.versionsOf("rag-qa").getFirst())
                .replace("\"version\" : 1", "\"version\" : 2").replace("\"trafficShare\" : 1.0", "\"trafficShare\" : 0.3"));
        templates.pipeInput(TemplateJson.key(v2), v2);

        // when
        for (int i = 0; i < 60; i++) {
            send(QueryFixtures.request("c" + i, "acme", "How are meals reimbursed? (" + i + ")"));
        }

        // then
        Map<String, Integer> versions = new HashMap<>();
        answers.readValuesToList().forEach(a -> versions.put(a.getRequestId(), a.getTemplateVersion()));
        long onCanary = versions.values().stream().filter(v -> v == 2).count();
        assertThat(versions).hasSize(60);
        assertThat(onCanary).isBetween(6L, 32L);
        assertThat(versions.values()).containsOnly(1, 2);
    }

    @Test
    void shouldKeepTheNamesOfStateStoresAndProcessors() {
        // given
        Topology topology = QueryTopology.build(TOPICS, QuerySettings.defaults(), QueryFixtures.embedder(), store,
                QueryFixtures.scripted(Function.identity().andThen(r -> "x")::apply), AnswerChecks.none());

        // when
        String description = topology.describe().toString();

        // then: renaming any of these would orphan a changelog; without tenant limits there is no repartition
        assertThat(description).contains(QueryTopology.IN_FLIGHT_STORE, QueryTopology.ANSWERED_STORE,
                QueryTopology.TEMPLATE_STORE, QueryTopology.LLM_STAGE, "query-requests-source");
        assertThat(description).doesNotContain("repartition", QueryTopology.RATE_STORE, QueryTopology.TOKENS_STORE);
        assertThat(topology.describe().subtopologies()).hasSize(1);
    }

    @Test
    void shouldKeepTheNamesOfTheTenantAdmissionStoresAndRepartitionTopics_whenLimitsAreOn() {
        // given
        Topology topology = QueryTopology.build(TOPICS, QuerySettings.defaults().withTenantLimits(10, 0), QueryFixtures.embedder(),
                store, QueryFixtures.scripted(Function.identity().andThen(r -> "x")::apply), AnswerChecks.none());

        // when
        String description = topology.describe().toString();

        // then: intake, tenant admission (with the charge in the same sub-topology: same task, same stores), LLM stage
        assertThat(description).contains(QueryTopology.IN_FLIGHT_STORE, QueryTopology.ANSWERED_STORE, QueryTopology.SEEN_STORE,
                "query-tenant-rate", "query-tenant-tokens", QueryTopology.INTAKE_STAGE, QueryTopology.ADMISSION_STAGE,
                QueryTopology.CHARGE_STAGE, QueryTopology.LLM_STAGE, "query-admission-repartition",
                "query-admitted-repartition", "query-usage-repartition");
        assertThat(topology.describe().subtopologies()).hasSize(3);
    }
}
