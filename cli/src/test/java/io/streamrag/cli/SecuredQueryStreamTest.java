package io.streamrag.cli;

import io.streamrag.kafka.embedded.EmbeddedKafkaBroker;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.kafka.TopicAdmin;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.platform.vector.ChunkIds;
import io.streamrag.platform.vector.StoredChunk;
import io.streamrag.query.QueryApp;
import io.streamrag.query.QueryConfig;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production security form end to end on the SASL+ACL broker: the query stream runs as its own principal with
 * only the ACLs {@code streamrag acls stream query} lists, answers go to per-tenant topics, and the tenant acme,
 * allowed only what {@code streamrag acls tenant} lists, asks with {@code streamrag ask} and gets its answer.
 */
class SecuredQueryStreamTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final byte[] ACME_KEY = "acme-signing-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final byte[] GLOBEX_KEY = "globex-signing-key-0123456789abcd".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void shouldAnswerATenantOnItsOwnTopic_whenTheStreamAndTheTenantHoldOnlyTheirAcls() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startSecured(new EmbeddedKafkaBroker.Scram("admin", "admin-pw-7",
                Map.of("query", "query-pw-7", "acme", "acme-pw-7")));
             Embedder embedder = Embedders.miniLm(8, 1);
             LuceneVectorStore store = LuceneVectorStore.open(dir.resolve("index"))) {
            // given: an administrator made the topics and the ACLs
            TopicAdmin.ensure(broker.adminProperties(), TOPICS.specs());
            Path adminClient = clientFile("admin", "admin-pw-7");
            assertThat(new CommandLine(new StreamRag()).setCaseInsensitiveEnumValuesAllowed(true).execute("acls", "stream", "query", "--principal", "User:query",
                    "--application-id", "secured-query", "--per-tenant-answers", "--apply",
                    "--bootstrap", broker.bootstrapServers(), "--command-config", adminClient.toString())).isZero();
            assertThat(new CommandLine(new StreamRag()).execute("acls", "tenant", "--tenant", "acme", "--principal", "User:acme",
                    "--apply", "--bootstrap", broker.bootstrapServers(), "--command-config", adminClient.toString())).isZero();
            String text = "Acme employees receive 25 days of paid vacation per year.";
            store.upsert(List.of(new StoredChunk(ChunkIds.chunkId("acme", "vacation", 0), "acme", "vacation", 1, 0, "Vacation",
                    text, List.of(), Map.of(), embedder.embedAll(List.of(text)).get(0))));

            Map<String, String> values = new HashMap<>();
            values.put("kafka.bootstrap.servers", broker.bootstrapServers());
            broker.clientProperties("query", "query-pw-7").forEach((k, v) -> values.put("kafka." + k, v.toString()));
            values.put("query.application.id", "secured-query");
            values.put("query.state.dir", dir.resolve("state").toString());
            values.put("auth.tenant.keys", "acme:" + Base64.getEncoder().encodeToString(ACME_KEY)
                    + ",globex:" + Base64.getEncoder().encodeToString(GLOBEX_KEY));
            values.put("query.answers.per.tenant", "true");
            values.put("llm.provider", "offline");
            ConfigReader reader = new ConfigReader(Settings.of(QueryConfig.KEYS, values));
            QueryConfig config = QueryConfig.from(reader);
            reader.validate();
            assertThat(config.toString()).doesNotContain("query-pw-7");

            Path acmeClient = clientFile("acme", "acme-pw-7");
            Path acmeKey = Files.writeString(dir.resolve("acme.key"), Base64.getEncoder().encodeToString(ACME_KEY) + "\n");

            try (QueryApp app = QueryApp.start(config, embedder, store)) {
                // then: the stream made the tenants' answer topics
                try (Admin admin = Admin.create(broker.adminProperties())) {
                    assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                            .contains("rag.answer.generated.acme", "rag.answer.generated.globex");
                }

                // when: acme asks as itself
                ByteArrayOutputStream printed = new ByteArrayOutputStream();
                AskCommand ask = new AskCommand();
                ask.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
                ask.secretFile = dir.resolve("no-demo-secret");
                int exit = new CommandLine(ask).execute("How many days of paid vacation do Acme employees get?",
                        "--tenant", "acme", "--own-answer-topic", "--key-file", acmeKey.toString(),
                        "--command-config", acmeClient.toString(), "--bootstrap", broker.bootstrapServers(), "--timeout", "60");

                // then
                String output = printed.toString(StandardCharsets.UTF_8);
                assertThat(exit).as(output).isZero();
                assertThat(output).contains("status: OK").contains("citations: vacation").contains("auth.verified");
            }
        }
    }

    /** A client properties file as Kafka's tools take with --command-config. */
    private Path clientFile(String user, String password) throws Exception {
        StringBuilder lines = new StringBuilder();
        EmbeddedKafkaBroker.saslProperties(user, password)
                .forEach((k, v) -> lines.append(k).append('=').append(v.toString().replace("\\", "\\\\")).append('\n'));
        return Files.writeString(dir.resolve(user + ".properties"), lines);
    }
}
