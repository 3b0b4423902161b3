package io.streamrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A small real run of {@code bench query}: broker, stream, model, store and the Mistral stub; the figures' shape is checked. */
class BenchQueryCommandTest {

    @Test
    void shouldAnswerEveryPhase_andReportThroughputOverheadAndCosts() throws Exception {
        // when: a short run against a fast stub and the broker (each in its own JVM, the default)
        ByteArrayOutputStream verbose = new ByteArrayOutputStream();
        PrintStream err = System.err;
        JsonNode out;
        System.setErr(new PrintStream(verbose, true, StandardCharsets.UTF_8));
        try {
            out = EvalGuardCommandTest.run(new BenchQueryCommand(), "--llm-latency-ms", "50", "--requests", "40",
                    "--warmup", "40", "--warmup-max-seconds", "1", "--steady-seconds", "1", "--in-flight", "16", "--json",
                    "--verbose");
        } finally {
            System.setErr(err);
        }

        // then: the ideal is the in-flight limit over the latency (the model is faster here), and the ratio is taken against it
        assertThat(out.get("ideal_rps").asDouble()).isEqualTo(Math.min(16 / 0.05, out.get("embed_rps").asDouble()), within(0.01));
        assertThat(out.get("throughput_rps").asDouble()).isPositive();
        assertThat(out.get("ratio").asDouble()).isCloseTo(
                out.get("throughput_rps").asDouble() / out.get("ideal_rps").asDouble(), within(0.01));
        // overhead excludes the stub's latency; a request cannot be answered before the stub answers it
        assertThat(out.get("overhead_p50_ms").asDouble()).isNotNegative();
        assertThat(out.get("overhead_p99_ms").asDouble()).isGreaterThanOrEqualTo(out.get("overhead_p50_ms").asDouble());
        assertThat(out.get("naive_sync_rps").asDouble()).isPositive();
        assertThat(out.get("cpu_ms_per_request").asDouble()).isPositive();
        assertThat(out.get("allocated_kb_per_request").asLong()).isPositive();
        assertThat(out.get("steady_jit_share").asDouble()).isNotNegative();
        assertThat(out.get("stub_process").asBoolean()).isTrue();
        assertThat(out.get("broker_process").asBoolean()).isTrue();
        // --verbose: the steady phase stage by stage, when its slowest requests were sent, and the stalls of the process
        assertThat(verbose.toString(StandardCharsets.UTF_8))
                .containsPattern("steady embed +p50 +\\d+ ms")
                .containsPattern("steady slowest 1% sent at s: [0-9.]+")
                .containsPattern("steady slow request sent at [0-9.]+ s: embed -?\\d+ .* delivery -?\\d+ intake -?\\d+ other -?\\d+ overhead -?\\d+")
                .containsPattern("steady hiccups \\d+ over 5 ms")
                .contains("steady cpu", "broker process");
        if (Files.isDirectory(Path.of("/proc/self/task"))) {
            // Linux: the JIT compiler threads of the broker and the stub, read from /proc
            assertThat(verbose.toString(StandardCharsets.UTF_8))
                    .containsPattern("steady cpu +[0-9.]+ ms/request  broker compiler \\(C1, C2\\)")
                    .containsPattern("steady cpu +[0-9.]+ ms/request  stub compiler \\(C1, C2\\)");
        }
    }

    @Test
    void shouldGroupThreadsByKind_whenNamesDifferOnlyInNumbersAndIds() {
        assertThat(CpuBreakdown.threadKind("data-plane-kafka-request-handler-0"))
                .isEqualTo(CpuBreakdown.threadKind("data-plane-kafka-request-handler-7"))
                .isEqualTo("data-plane-kafka-request-handler-#");
        assertThat(CpuBreakdown.threadKind("bench-async-5f1c2a9e-0b7d-4c1e-9a3f-1d2e3f4a5b6c-StreamThread-1"))
                .isEqualTo("bench-async-#-StreamThread-#");
        assertThat(CpuBreakdown.threadKind("query-embed-batcher")).isEqualTo("query-embed-batcher");
    }
}
