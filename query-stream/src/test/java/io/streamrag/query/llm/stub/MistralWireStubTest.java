package io.streamrag.query.llm.stub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The stub itself: wire format, answer shapes, and many slow calls at once on a few threads. */
class MistralWireStubTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MistralWireStub stub = MistralWireStub.start("k", Duration.ZERO);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void close() {
        http.close();
        stub.close();
    }

    private HttpRequest chat(String system, String user, boolean stream) throws Exception {
        String body = JSON.writeValueAsString(Map.of("model", "mistral-small-latest", "stream", stream, "messages", List.of(
                Map.of("role", "system", "content", system), Map.of("role", "user", "content", user))));
        return HttpRequest.newBuilder(stub.baseUrl().resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer k").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void shouldAnswerInRequestedFields_whenInstructionAsksForNameValueOutput() throws Exception {
        // given
        String system = """
                다음 문장의 감정을 긍정적, 중립적, 부정적 중 하나로 분류하고 강도(1-5)와 이유를 설명하세요.
                출력 형식:
                감정: <긍정적/중립적/부정적>
                강도: <1-5>
                설명: <한 문장>""";

        // when
        HttpResponse<String> response = http.send(chat(system, "문장: 배송이 너무 늦어서 정말 실망했어요.", false), HttpResponse.BodyHandlers.ofString());

        // then
        JsonNode completion = JSON.readTree(response.body());
        String content = completion.at("/choices/0/message/content").asText();
        assertThat(content.lines().toList()).hasSize(3);
        assertThat(content).containsPattern("(?m)^감정: 부정적$").containsPattern("(?m)^강도: [1-5]$").containsPattern("(?m)^설명: .+$");
        assertThat(completion.at("/usage/total_tokens").asLong())
                .isEqualTo(completion.at("/usage/prompt_tokens").asLong() + completion.at("/usage/completion_tokens").asLong());
    }

    @Test
    void shouldStreamChunksEndingWithUsageAndDone_whenStreamIsRequested() throws Exception {
        // when
        HttpResponse<String> response = http.send(chat("Answer from the context.", "Context:\n[1] The sky is blue. Grass is green.\n\nQuestion: Color of the sky?", true),
                HttpResponse.BodyHandlers.ofString());

        // then
        List<String> events = response.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        for (String event : events.subList(0, events.size() - 1)) {
            text.append(JSON.readTree(event).at("/choices/0/delta/content").asText());
        }
        assertThat(text.toString()).isEqualTo("The sky is blue. Grass is green.");
        assertThat(JSON.readTree(events.get(events.size() - 2)).at("/usage/completion_tokens").asLong()).isPositive();
    }

    @Test
    void shouldServeHundredsOfSlowCallsConcurrently_whenLatencyIsScheduled() throws Exception {
        // given
        stub.latency(Duration.ofMillis(1000));
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();

        // when
        for (int i = 0; i < 300; i++) {
            calls.add(http.sendAsync(chat("s", "Context:\n[1] Answer " + i + ".\n\nQuestion: q", false), HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        // then: 300 calls of 1 s each finish together, far sooner than 300 s in sequence
        assertThat(calls).allSatisfy(c -> assertThat(c.join().statusCode()).isEqualTo(200));
        assertThat(stub.calls()).isEqualTo(300);
    }

    @Test
    void shouldAnswerWithFirstContextSentences_whenUserMessageHasKoreanContextBlock() throws Exception {
        // given
        String user = "문맥:\n[1] 환불은 구매 후 14일 이내에 가능합니다. 영수증이 필요합니다. 교환은 30일 이내입니다.\n\n질문: 환불 기간은?";

        // when
        HttpResponse<String> response = http.send(chat("문맥만 사용해 답하세요.", user, false), HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText())
                .isEqualTo("환불은 구매 후 14일 이내에 가능합니다. 영수증이 필요합니다.");
    }

    @Test
    void shouldAnswerWithPassageTextOnly_whenPassagesCarryStreamRagHeaders() throws Exception {
        // given: passages as PromptRenderer writes them, "[n] [doc id] title" above each text
        String user = "Context:\n[1] [vacation] Vacation policy\nEmployees receive 25 days of paid vacation per year."
                + " Unused days expire in March.\n\n[2] [parking] Parking\nParking costs 5 euros per day.\n\nQuestion: how many days?";

        // when
        HttpResponse<String> response = http.send(chat("Answer from the context.", user, false), HttpResponse.BodyHandlers.ofString());

        // then: the headers are labels, never part of the answer
        assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText())
                .isEqualTo("Employees receive 25 days of paid vacation per year. Unused days expire in March.");
    }

    @Test
    void shouldSayContextLacksAnswer_whenUserMessageHasNoContext() throws Exception {
        // when
        HttpResponse<String> response = http.send(chat("Answer from the context.", "Question: who are you?", false),
                HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText())
                .isEqualTo("The provided context does not contain the answer to this question.");
    }

    @Test
    void shouldRejectCall_whenBearerKeyIsWrong() throws Exception {
        // given
        HttpRequest wrongKey = HttpRequest.newBuilder(stub.baseUrl().resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer nope").POST(HttpRequest.BodyPublishers.ofString("{}")).build();

        // when
        HttpResponse<String> response = http.send(wrongKey, HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(response.statusCode()).isEqualTo(401);
    }
}
