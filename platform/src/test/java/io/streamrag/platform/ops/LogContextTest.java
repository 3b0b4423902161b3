package io.streamrag.platform.ops;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

class LogContextTest {

    @Test
    void shouldCarryTheIdsIntoPooledThreads_andLeaveNothingBehind() throws Exception {
        // given: one pooled thread, reused for two tasks
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // when
            String inside = CompletableFuture.supplyAsync(() -> MDC.get(LogContext.REQUEST_ID) + "/" + MDC.get(LogContext.CORRELATION_ID),
                    LogContext.with(LogContext.of("r-1", "c-1", "acme"), pool)).get();
            String after = CompletableFuture.supplyAsync(() -> String.valueOf(MDC.get(LogContext.REQUEST_ID)), pool).get();

            // then
            assertThat(inside).isEqualTo("r-1/c-1");
            assertThat(after).isEqualTo("null");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRestoreTheOuterIds_whenANestedScopeCloses() {
        // given
        try (LogContext.Scope outer = LogContext.open("outer", "c-outer", "acme")) {
            // when
            try (LogContext.Scope inner = LogContext.open(Map.of(LogContext.REQUEST_ID, "inner"))) {
                assertThat(MDC.get(LogContext.REQUEST_ID)).isEqualTo("inner");
            }

            // then
            assertThat(MDC.get(LogContext.REQUEST_ID)).isEqualTo("outer");
            assertThat(MDC.get(LogContext.CORRELATION_ID)).isEqualTo("c-outer");
        }
        assertThat(MDC.get(LogContext.REQUEST_ID)).isNull();
    }
}
