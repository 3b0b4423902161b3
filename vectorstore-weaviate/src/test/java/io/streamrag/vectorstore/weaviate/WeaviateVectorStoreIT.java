package io.streamrag.vectorstore.weaviate;

import io.streamrag.platform.vector.VectorStore;
import io.streamrag.testkit.VectorStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.weaviate.WeaviateContainer;

import java.net.URI;
import java.util.Optional;

/**
 * The shared store contract against a real Weaviate in a container. Skipped (reported as such) where Docker
 * is not available; {@link WeaviateVectorStoreRemoteIT} runs the same contract against a server of your own.
 */
@Testcontainers(disabledWithoutDocker = true)
class WeaviateVectorStoreIT extends VectorStoreContract {

    @Container
    private static final WeaviateContainer WEAVIATE = new WeaviateContainer("cr.weaviate.io/semitechnologies/weaviate:1.32.0");

    private static ContractClasses classes;

    @BeforeAll
    static void pointAtContainer() {
        classes = new ContractClasses(URI.create("http://" + WEAVIATE.getHttpHostAddress()), Optional.empty());
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
