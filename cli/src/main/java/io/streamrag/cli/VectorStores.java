package io.streamrag.cli;

import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.vector.VectorStore;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;
import io.streamrag.vectorstore.weaviate.WeaviateConfig;
import io.streamrag.vectorstore.weaviate.WeaviateVectorStore;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Chooses the vector store adapter from configuration: the one place that knows both stores. */
final class VectorStores {

    enum Type { LUCENE, WEAVIATE }

    static final List<ConfigKey> KEYS = keys();

    private VectorStores() {
    }

    /** Reads the store's keys now (problems land in the reader) and returns how to open it once validated. */
    static Supplier<VectorStore> from(ConfigReader config) {
        Type type = config.choice("vectorstore.type", Type.class);
        var lucenePath = config.path("vectorstore.lucene.path");
        var luceneOptions = LuceneVectorStore.Options.from(config);
        WeaviateConfig weaviate = type == Type.WEAVIATE ? WeaviateConfig.from(config) : null;
        return switch (type) {
            case LUCENE -> () -> LuceneVectorStore.open(lucenePath, luceneOptions);
            case WEAVIATE -> () -> WeaviateVectorStore.connect(weaviate);
        };
    }

    static boolean isLocal(ConfigReader config) {
        return config.optional("vectorstore.type").map("lucene"::equalsIgnoreCase).orElse(true);
    }

    private static List<ConfigKey> keys() {
        List<ConfigKey> keys = new ArrayList<>(List.of(
                ConfigKey.of("vectorstore.type", "lucene", "lucene (the embedded index on local disk, rebuilt from rag.chunk.embedded) or weaviate."),
                ConfigKey.of("vectorstore.lucene.path", "~/.streamrag/index", "Folder of the embedded Lucene index.")));
        keys.addAll(LuceneVectorStore.Options.KEYS);
        keys.addAll(WeaviateConfig.KEYS);
        return List.copyOf(keys);
    }
}
