package io.streamrag.testkit;

import io.streamrag.kafka.embedded.EmbeddedKafkaBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The one place integration tests take their broker from: a Testcontainers Kafka (the apache/kafka image) where
 * a Docker engine answers, the in-JVM KRaft broker otherwise. One broker serves the whole test JVM; tests keep
 * apart by using their own topic names or group ids. Says on stderr which one it started.
 */
public final class TestKafka {

    public static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

    private static volatile TestKafka shared;

    private final String bootstrapServers;
    private final String kind;

    private TestKafka(String bootstrapServers, String kind) {
        this.bootstrapServers = bootstrapServers;
        this.kind = kind;
    }

    /** The JVM-wide broker, started on first use and stopped when the JVM exits. */
    public static synchronized TestKafka shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** "testcontainers" or "embedded". */
    public String kind() {
        return kind;
    }

    private static TestKafka start() {
        if (!"embedded".equals(System.getenv("STREAMRAG_TEST_KAFKA")) && dockerAvailable()) {
            KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            System.err.println("TestKafka: Testcontainers broker " + KAFKA_IMAGE + " at " + container.getBootstrapServers());
            return new TestKafka(container.getBootstrapServers(), "testcontainers");
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        System.err.println("TestKafka: no Docker engine; in-JVM KRaft broker at " + broker.bootstrapServers());
        return new TestKafka(broker.bootstrapServers(), "embedded");
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }
}
