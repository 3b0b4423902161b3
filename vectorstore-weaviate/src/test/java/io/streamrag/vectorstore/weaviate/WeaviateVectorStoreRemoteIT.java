package io.streamrag.vectorstore.weaviate;

import io.streamrag.platform.vector.VectorStore;
import io.streamrag.testkit.VectorStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.net.URI;
import java.util.Optional;

/**
 * The shared store contract against the Weaviate at {@code WEAVIATE_URL} (optional {@code WEAVIATE_API_KEY}).
 * Each test works in a class of its own named {@code StreamRagContract...} and drops it afterwards.
 */
@EnabledIfEnvironmentVariable(named = "WEAVIATE_URL", matches = ".+",
        disabledReason = "WEAVIATE_URL is not set: set it (e.g. http://localhost:8080) to run the store contract against a real Weaviate")
class WeaviateVectorStoreRemoteIT extends VectorStoreContract {

    private static ContractClasses classes;

    @BeforeAll
    static void pointAtServer() {
        classes = new ContractClasses(URI.create(System.getenv("WEAVIATE_URL")),
                Optional.ofNullable(System.getenv("WEAVIATE_API_KEY")));
    }

    @Override
    protected VectorStore createStore() {
        return classes.newStore();
    }

    @AfterEach
    void dropClasses() {
        classes.dropAll();
    }
}
