package io.streamrag.cli;

import io.streamrag.platform.kafka.Topics;
import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchRequest;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class DemoRuntimeTest {

    @TempDir
    Path dataDir;

    @Test
    void shouldServeSearchableSamplesOnAReachableBroker_whenReady_andFindThemUnchangedOnRestart() throws Exception {
        // given / when: the demo starts on free ports
        DemoRuntime.Options options = new DemoRuntime.Options(dataDir, 0, 0);
        int samples = SampleDocuments.load().size();
        try (DemoRuntime runtime = DemoRuntime.start(options)) {
            // then: the broker answers at the recorded address with the platform's topics
            assertThat(Files.readString(dataDir.resolve("bootstrap")).strip()).isEqualTo(runtime.bootstrapServers());
            assertThat(DemoBootstrap.resolve(null, dataDir)).isEqualTo(runtime.bootstrapServers());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", runtime.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .contains(Topics.defaults().documentSubmitted(), Topics.defaults().chunkEmbedded());
            }
            // every sample was indexed and is searchable, English and Korean
            assertThat(runtime.samples()).hasSize(samples).allSatisfy(o -> assertThat(o.status()).isEqualTo("INDEXED"));
            assertThat(topDocument(runtime, "How many vacation days can I carry over into the next year?")).isEqualTo("vacation-policy");
            assertThat(topDocument(runtime, "재택근무 중 모니터 구입비 지원")).isEqualTo("remote-work-ko");
        }
        assertThat(dataDir.resolve("bootstrap")).doesNotExist();

        // when: the demo starts again on the same data folder
        try (DemoRuntime again = DemoRuntime.start(options)) {
            // then: the samples are recognised as already indexed, and still searchable
            assertThat(again.samples()).hasSize(samples).allSatisfy(o -> assertThat(o.status()).isEqualTo("UNCHANGED"));
            assertThat(again.store().count(SampleDocuments.TENANT)).isPositive();
            assertThat(topDocument(again, "What is a tombstone in a compacted topic?")).isEqualTo("log-compaction");
        }
    }

    private static String topDocument(DemoRuntime runtime, String question) {
        List<ScoredChunk> hits = runtime.store().search(SearchRequest.hybrid(SampleDocuments.TENANT, Set.of(), question,
                runtime.embedder().embed(question), 5));
        assertThat(hits).isNotEmpty();
        return hits.getFirst().chunk().docId();
    }
}
