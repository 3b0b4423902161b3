package io.streamrag.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrag.events.AnswerStatus;
import io.streamrag.events.Citation;
import io.streamrag.events.DeadLetter;
import io.streamrag.events.QueryAnswered;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AvroJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldPrintPlainJson_whenRecordHasUnionsEnumsMapsArraysAndTimestamps() throws Exception {
        // given
        QueryAnswered answer = QueryAnswered.newBuilder()
                .setHeader(Events.deterministicHeader("a", "req-1", 1_700_000_000_000L))
                .setRequestId("req-1").setTenant("acme").setStatus(AnswerStatus.OK)
                .setAnswer("환불은 14일 이내에 가능합니다.")
                .setCitations(List.of(new Citation("handbook", "acme/handbook#0", null, 0.8)))
                .setLatencyMs(Map.of("total", 1200L))
                .setGroundedness(Double.NaN)
                .build();

        // when
        JsonNode json = JSON.readTree(AvroJson.toJson(answer));

        // then
        assertThat(json.path("status").asText()).isEqualTo("OK");
        assertThat(json.path("answer").asText()).isEqualTo("환불은 14일 이내에 가능합니다.");
        assertThat(json.path("reason").isNull()).isTrue();
        assertThat(json.at("/citations/0/docId").asText()).isEqualTo("handbook");
        assertThat(json.at("/citations/0/title").isNull()).isTrue();
        assertThat(json.at("/latencyMs/total").asLong()).isEqualTo(1200);
        assertThat(json.at("/header/timestamp").asText()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L).toString());
        assertThat(json.path("groundedness").asText()).isEqualTo("NaN");
    }

    @Test
    void shouldPrintBytesAsBase64_whenRecordHoldsBytes() throws Exception {
        // given
        byte[] payload = {(byte) 0xC3, 0x01, 0x7F, 0x00};
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        DeadLetter letter = DeadLetter.newBuilder()
                .setHeader(Events.header("c")).setSourceTopic("t").setPartition(0).setOffset(7).setStage("decode")
                .setReason("not Avro").setKey(ByteBuffer.wrap("k1".getBytes(StandardCharsets.UTF_8))).setPayload(buffer)
                .build();

        // when
        JsonNode json = JSON.readTree(AvroJson.toJson(letter));

        // then
        assertThat(Base64.getDecoder().decode(json.path("payload").asText())).isEqualTo(payload);
        assertThat(json.path("key").asText()).isEqualTo(Base64.getEncoder().encodeToString("k1".getBytes(StandardCharsets.UTF_8)));
        assertThat(buffer.remaining()).as("printing does not consume the buffer").isEqualTo(4);
    }
}
