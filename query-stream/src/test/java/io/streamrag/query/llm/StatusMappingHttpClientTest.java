package io.streamrag.query.llm;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatusMappingHttpClientTest {

    @Test
    void shouldReadRetryAfter_whenGivenAsSecondsOrHttpDate() {
        // given
        Instant now = Instant.parse("2026-01-01T10:00:00Z");
        String inThirtySeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(30).atOffset(ZoneOffset.UTC));

        // when / then
        assertThat(StatusMappingHttpClient.retryAfterMs(Map.of("retry-after", List.of("7")), now)).contains(7000L);
        assertThat(StatusMappingHttpClient.retryAfterMs(Map.of("Retry-After", List.of(inThirtySeconds)), now)).contains(30_000L);
        assertThat(StatusMappingHttpClient.retryAfterMs(Map.of("Retry-After", List.of("soon")), now)).isEmpty();
        assertThat(StatusMappingHttpClient.retryAfterMs(Map.of(), now)).isEmpty();
    }

    @Test
    void shouldClassifyStatus_whenServerAnswersWithError() {
        // when / then
        assertThat(StatusMappingHttpClient.error(429, Map.of("retry-after", List.of("2")), "{}").retryAfterMs()).isEqualTo(2000);
        assertThat(StatusMappingHttpClient.error(503, Map.of("retry-after", List.of("1")), "").kind()).isEqualTo(LlmException.Kind.SERVER_ERROR);
        assertThat(StatusMappingHttpClient.error(503, Map.of("retry-after", List.of("1")), "").retryAfterMs()).isEqualTo(1000);
        assertThat(StatusMappingHttpClient.error(400, Map.of(), "bad").kind()).isEqualTo(LlmException.Kind.REJECTED);
        assertThat(StatusMappingHttpClient.error(408, Map.of(), "").kind()).isEqualTo(LlmException.Kind.TIMEOUT);
    }
}
