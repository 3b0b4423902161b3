package io.streamrag.cli;

import io.streamrag.ingest.IngestConfig;
import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;

import java.util.List;
import java.util.Map;

/**
 * The configuration of the embedded form: the ingest stream's and the Lucene store's, read together from the
 * defaults, the environment, then the command's own values (last wins), and validated at once.
 */
record EmbeddedConfig(IngestConfig ingest, LuceneVectorStore.Options lucene) {

    static final List<ConfigKey> KEYS = ConfigKey.union(IngestConfig.KEYS, LuceneVectorStore.Options.KEYS);

    static EmbeddedConfig load(Map<String, String> overrides) {
        ConfigReader reader = new ConfigReader(Settings.load(KEYS, null, System.getenv(), overrides));
        EmbeddedConfig config = new EmbeddedConfig(IngestConfig.from(reader), LuceneVectorStore.Options.from(reader));
        reader.validate();
        return config;
    }

}
