package io.streamrag.cli;

import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.testkit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TopicsCommandTest {

    @Test
    void shouldCreateEveryCatalogueTopicOnce_whenRunTwice() throws Exception {
        // given: the catalogue under names of its own, with 2 partitions (the default is 3)
        String bootstrap = TestKafka.shared().bootstrapServers();
        String prefix = "topics-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> args = new ArrayList<>(List.of("topics", "create",
                "--set", "kafka.bootstrap.servers=" + bootstrap, "--set", "topic.partitions=2"));
        for (ConfigKey key : Topics.KEYS) {
            if (key.name().startsWith("topic.") && !key.name().equals("topic.partitions")
                    && !key.name().equals("topic.replication.factor")) {
                args.addAll(List.of("--set", key.name() + "=" + prefix + key.defaultValue()));
            }
        }

        // when
        Run first = run(args);
        Run second = run(args);

        // then
        assertThat(first.exit).as(first.err).isZero();
        assertThat(second.exit).as(second.err).isZero();
        Topics expected = Topics.defaults();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<String, TopicDescription> described = admin.describeTopics(
                    expected.specs().stream().map(s -> prefix + s.name()).toList()).allTopicNames().get();
            assertThat(described.get(prefix + expected.documentSubmitted()).partitions()).hasSize(2);
            assertThat(described.get(prefix + expected.promptTemplate()).partitions()).hasSize(1);
            var compaction = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
                    prefix + expected.chunkEmbedded()))).all().get().values().iterator().next().get("cleanup.policy").value();
            assertThat(compaction).isEqualTo("compact");
            // the broker is shared by the whole test run: leave it as it was
            admin.deleteTopics(described.keySet()).all().get();
        }
        assertThat(first.out.lines().filter(l -> l.endsWith(" created"))).hasSize(expected.specs().size());
        assertThat(second.out.lines().filter(l -> l.endsWith(" exists"))).hasSize(expected.specs().size());
    }

    @Test
    void shouldFailNamingTheKey_whenPartitionsAreNotANumber() {
        // when
        Run run = run(List.of("topics", "create", "--set", "topic.partitions=many"));

        // then
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.err).contains("topic.partitions").contains("TOPIC_PARTITIONS");
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new StreamRag()).execute(args.toArray(String[]::new));
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
