package io.streamrag.cli;

import io.streamrag.kafka.embedded.EmbeddedKafkaBroker;

import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The embedded KRaft broker a benchmark runs against: inside the measured process, or in a JVM of its own on the same
 * machine, as a cluster runs apart from the streams that use it. Its request metrics, purgatories and log appends
 * then make their garbage in their own heap: in the measured one they lengthened every young pause of the stream.
 * {@link #cpuNanos} is its CPU time when it runs apart (0 inside: the process's own CPU counts it then).
 */
record BenchBroker(String bootstrapServers, LongSupplier cpuNanos, AutoCloseable owner) implements AutoCloseable {

    static BenchBroker inProcess() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
        return new BenchBroker(broker.bootstrapServers(), () -> 0L, broker);
    }

    /**
     * A broker in a child JVM with a 1 GB heap (its log cleaner alone reserves 128 MB) and G1's defaults. Its young
     * pauses (46-134 ms every 30-45 s under bench query's load) stall the stream from outside as a remote broker's
     * would; G1 aiming at 20 ms (Kafka's start script) made them 18-28 ms every ~2.5 s and ZGC took more CPU, neither
     * with a better p99 in a run each.
     */
    static BenchBroker childProcess() {
        ChildJvm child = ChildJvm.start("Kafka broker", List.of("-Xms1g", "-Xmx1g"), EmbeddedKafkaBroker.class,
                List.of(), Map.of(), "bootstrap");
        return new BenchBroker(child.value(), child::cpuNanos, child);
    }

    @Override
    public void close() throws Exception {
        owner.close();
    }
}
