package io.streamrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Runs the command end to end with the real MiniLM model on four labelled answers. */
class EvalGroundednessCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldPrintPrecisionRecallF1AndAccuracy_withHallucinatedAsPositive() throws Exception {
        // given
        String context = "[\"Refunds are available within 30 days of purchase. After 30 days, purchases are not refundable.\"]";
        String koContext = "[\"환불은 구매일로부터 30일 이내에 신청할 수 있습니다.\"]";
        Path dataset = dir.resolve("g.jsonl");
        Files.writeString(dataset, String.join("\n",
                "{\"context\": " + context + ", \"answer\": \"You can get a refund within 30 days of purchase.\", \"label\": \"grounded\"}",
                "{\"context\": " + context + ", \"answer\": \"Refunds are available within 90 days of purchase.\", \"label\": \"hallucinated\"}",
                "{\"context\": " + koContext + ", \"answer\": \"구매 후 30일 이내에 환불을 신청할 수 있습니다.\", \"label\": \"grounded\"}",
                "{\"context\": " + koContext + ", \"answer\": \"환불은 구매일로부터 60일 이내에 신청할 수 있습니다.\", \"label\": \"hallucinated\"}"),
                StandardCharsets.UTF_8);

        // when
        JsonNode out = EvalGuardCommandTest.run(new EvalGroundednessCommand(), "--dataset", dataset.toString(), "--json");

        // then
        assertThat(out.get("n").asInt()).isEqualTo(4);
        assertThat(out.get("precision").asDouble()).isCloseTo(1.0, within(1e-9));
        assertThat(out.get("recall").asDouble()).isCloseTo(1.0, within(1e-9));
        assertThat(out.get("f1").asDouble()).isCloseTo(1.0, within(1e-9));
        assertThat(out.get("accuracy").asDouble()).isCloseTo(1.0, within(1e-9));
        assertThat(out.get("ko").get("n").asInt()).isEqualTo(2);
    }
}
