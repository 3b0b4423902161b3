package io.streamrag.vectorstore.weaviate;

import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Where the Weaviate store lives and how the adapter talks to it. The adapter speaks REST and GraphQL only
 * (no gRPC), so every call it makes has a wire format that can be checked without a server.
 *
 * @param url          base URL of the server, scheme and host[:port] ({@code http://localhost:8080})
 * @param apiKey       API key sent as a bearer token; empty for anonymous access
 * @param className    the multi-tenant class holding the chunks (a GraphQL type name: starts upper case)
 * @param batchSize    objects per batch request (and chunk ids per delete-by-id request)
 * @param timeoutMs    connect and read timeout of every request
 * @param hybridAlpha  weight of the vector side in HYBRID search: 0 is pure BM25, 1 pure vector
 * @param textTokenization tokenization of the text and title properties (word, trigram, kagome_kr, ...)
 * @param retries      extra attempts of a call that failed for a passing reason (no answer, timeout, 429, 5xx);
 *                     every call of this store is idempotent, so repeating it is safe
 */
public record WeaviateConfig(URI url, Optional<String> apiKey, String className, int batchSize, int timeoutMs,
                             double hybridAlpha, String textTokenization, int retries) {

    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of("vectorstore.weaviate.url", "http://localhost:8080", "Weaviate base URL (scheme://host:port)."),
            ConfigKey.secret("vectorstore.weaviate.api.key", "Weaviate API key (sent as a bearer token); unset for anonymous access."),
            ConfigKey.of("vectorstore.weaviate.class", "StreamRagChunk", "Multi-tenant Weaviate class holding the chunks."),
            ConfigKey.of("vectorstore.weaviate.batch.size", "100", "Objects per batch upsert request."),
            ConfigKey.of("vectorstore.weaviate.timeout.ms", "30000", "Connect and read timeout of each Weaviate request, in milliseconds."),
            ConfigKey.of("vectorstore.weaviate.hybrid.alpha", "0.5", "Weight of the vector side in hybrid search (0 = BM25 only, 1 = vector only)."),
            ConfigKey.of("vectorstore.weaviate.text.tokenization", "word",
                    "Tokenization of the text and title properties when the class is created (word, trigram, kagome_kr, gse)."),
            ConfigKey.of("vectorstore.weaviate.retries", "2",
                    "Extra attempts of a call that failed for a passing reason (no answer, timeout, HTTP 429 or 5xx)."));

    public WeaviateConfig {
        apiKey = apiKey == null ? Optional.empty() : apiKey.filter(k -> !k.isBlank());
    }

    /** Defaults pointed at one URL: for tests and embedded runs. */
    public static WeaviateConfig of(URI url) {
        return new WeaviateConfig(url, Optional.empty(), "StreamRagChunk", 100, 30_000, 0.5, "word", 2);
    }

    public static WeaviateConfig from(ConfigReader config) {
        URI url = config.optionalUri("vectorstore.weaviate.url").orElse(URI.create("http://localhost:8080"));
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            config.problem("vectorstore.weaviate.url (VECTORSTORE_WEAVIATE_URL) must be an http or https URL, not '" + url + "'");
        }
        if (url.getPath() != null && !url.getPath().isEmpty() && !"/".equals(url.getPath())) {
            config.problem("vectorstore.weaviate.url (VECTORSTORE_WEAVIATE_URL) must not have a path (the client adds /v1), not '" + url + "'");
        }
        String className = config.string("vectorstore.weaviate.class");
        if (!className.isEmpty() && !className.matches("[A-Z][_0-9A-Za-z]*")) {
            config.problem("vectorstore.weaviate.class (VECTORSTORE_WEAVIATE_CLASS) must be a GraphQL type name starting upper case, not '"
                    + className + "'");
        }
        String tokenization = config.string("vectorstore.weaviate.text.tokenization");
        if (!tokenization.isEmpty() && !tokenization.matches("[a-z_]+")) {
            config.problem("vectorstore.weaviate.text.tokenization (VECTORSTORE_WEAVIATE_TEXT_TOKENIZATION) must be a Weaviate tokenization name, not '"
                    + tokenization + "'");
        }
        return new WeaviateConfig(url,
                config.optional("vectorstore.weaviate.api.key"),
                className,
                config.integer("vectorstore.weaviate.batch.size", 1, 10_000),
                config.integer("vectorstore.weaviate.timeout.ms", 100, 3_600_000),
                config.decimal("vectorstore.weaviate.hybrid.alpha", 0.0, 1.0),
                tokenization,
                config.integer("vectorstore.weaviate.retries", 0, 10));
    }

    /** host[:port] as the client wants it. */
    String hostAndPort() {
        return url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
    }

    @Override
    public String toString() {
        return "WeaviateConfig[url=" + url + ", apiKey=" + apiKey.map(k -> "****").orElse("<none>")
                + ", className=" + className + ", batchSize=" + batchSize + ", timeoutMs=" + timeoutMs
                + ", hybridAlpha=" + hybridAlpha + ", textTokenization=" + textTokenization + ", retries=" + retries + "]";
    }
}
