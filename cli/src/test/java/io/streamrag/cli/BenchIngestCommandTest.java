package io.streamrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A small real run of {@code bench ingest}: broker, stream, model and store; the figures, not their size, are checked. */
class BenchIngestCommandTest {

    @Test
    void shouldInterleaveRawAndPipelineRounds_andReportWhereTheCpuWent() throws Exception {
        // when: two pipeline rounds between three raw rounds, on a few documents
        JsonNode out = EvalGuardCommandTest.run(new BenchIngestCommand(),
                "--chunks", "40", "--rounds", "2", "--warmup-max-seconds", "1", "--store-chunks", "0", "--json");

        // then: every round indexed the same chunks, and the ratio is that of the totals
        assertThat(out.get("chunks").asInt()).isGreaterThanOrEqualTo(40);
        List<Double> raw = doubles(out.get("raw_embed_runs_chunks_per_s"));
        List<Double> pipeline = doubles(out.get("pipeline_runs_chunks_per_s"));
        assertThat(raw).hasSize(3).allMatch(rate -> rate > 0);
        assertThat(pipeline).hasSize(2).allMatch(rate -> rate > 0);
        assertThat(out.get("round_ratios")).hasSize(2);
        assertThat(out.get("ratio").asDouble()).isCloseTo(
                out.get("pipeline_chunks_per_s").asDouble() / out.get("raw_embed_chunks_per_s").asDouble(), within(0.01));
        // the raw rounds run the model alone; the pipeline's CPU also goes to the stream threads and the broker
        JsonNode pipelineCpu = out.get("pipeline_cpu_ms_per_chunk");
        assertThat(pipelineCpu.get("model").asDouble()).isPositive();
        assertThat(pipelineCpu.get("stream_threads").asDouble()).isPositive();
        assertThat(pipelineCpu.get("broker_and_other").asDouble()).isPositive();
        assertThat(out.get("pipeline_model_cpu_share").asDouble()).isStrictlyBetween(0.0, 1.0);
        assertThat(out.get("raw_cpu_ms_per_chunk").get("model").asDouble()).isPositive();
    }

    private static List<Double> doubles(JsonNode array) {
        List<Double> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asDouble()));
        return values;
    }
}
