package io.streamrag.cli;

import io.streamrag.ingest.Reindexer;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.platform.vector.VectorStore;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code streamrag reindex}: rebuilds a vector store by replaying {@code rag.chunk.embedded}. */
@Command(name = "reindex", mixinStandardHelpOptions = true,
        description = "Rebuild a vector store from rag.chunk.embedded (latest chunk per id; tombstones delete).")
final class ReindexCommand implements Callable<Integer> {

    enum StoreKind { lucene }

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (default: the running demo's, else " + DemoBootstrap.FALLBACK + ").")
    String bootstrap;

    @Option(names = "--data-dir", description = "The demo's data folder (default: ${DEFAULT-VALUE}).")
    Path dataDir = DemoBootstrap.DEFAULT_DATA_DIR;

    @Option(names = "--store", description = "Store to rebuild: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    StoreKind store = StoreKind.lucene;

    @Option(names = "--path", description = "Index folder of the Lucene store (default: <data-dir>/index, which the demo must not hold open).")
    Path path;

    @Option(names = "--fresh", description = "Delete the index folder first, so chunks absent from the log cannot survive.")
    boolean fresh;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() {
        String servers = DemoBootstrap.resolve(bootstrap, dataDir);
        Path index = path != null ? path : dataDir.resolve("index");
        if (fresh) {
            TempFiles.deleteRecursively(index);
        }
        Reindexer reindexer = new Reindexer(Map.of("bootstrap.servers", servers), Topics.defaults().chunkEmbedded(),
                warning -> System.err.println("streamrag reindex: " + warning));
        Reindexer.Result result;
        try (VectorStore target = LuceneVectorStore.open(index)) {
            result = reindexer.rebuild(target);
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("records", result.records());
            out.put("upserted", result.upserted());
            out.put("deleted", result.deleted());
            out.put("skipped", result.skipped());
            out.put("seconds", Math.round(result.seconds() * 100) / 100.0);
            System.out.println(Json.write(out));
        } else {
            System.out.printf("rebuilt %s from %s: %d records, %d chunks upserted, %d deleted, %d skipped in %.1f s%n",
                    index, servers, result.records(), result.upserted(), result.deleted(), result.skipped(), result.seconds());
        }
        return result.skipped() == 0 ? 0 : 1;
    }
}
