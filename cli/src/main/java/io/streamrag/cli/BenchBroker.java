package io.streamrag.cli;

import io.streamrag.kafka.embedded.EmbeddedKafkaBroker;

import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The embedded KRaft broker a benchmark runs against: inside the measured process, or in a JVM of its own on the same
 * machine, as a cluster runs apart from the streams that use it. Its request metrics, purgatories and log appends
 * then make their garbage in their own heap: in the measured one they lengthened every young pause of the stream.
 * {@link #cpuNanos} is its CPU time when it runs apart (0 inside: the process's own CPU counts it then), and
 * {@link #compilerCpuNanos} that of its JIT compiler threads (-1 inside, or where Linux's {@code /proc} is missing).
 */
record BenchBroker(String bootstrapServers, LongSupplier cpuNanos, LongSupplier compilerCpuNanos, AutoCloseable owner)
        implements AutoCloseable {

    /** Environment variable with more options for the broker's JVM, e.g. to log its collections. */
    static final String JAVA_OPTIONS_ENV = "STREAMRAG_BROKER_JAVA_OPTS";

    static BenchBroker inProcess() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
        return new BenchBroker(broker.bootstrapServers(), () -> 0L, () -> -1L, broker);
    }

    /**
     * A broker in a child JVM with a fixed 2 GB heap under ZGC. Kafka's request-latency histograms keep their samples
     * for minutes, each in a small skip-list node, so a young collection has hundreds of thousands of small survivors to
     * copy: under G1 the broker stopped for 13-23 ms every ~3 s (40-160 ms every 30-60 s with G1's defaults), and the
     * stream's commits, produces and fetches waited for it. ZGC copies them concurrently on one thread, with pauses
     * under a millisecond, for no more of the broker's CPU (bench query: 2.0-2.5 ms a request, as under G1).
     */
    static BenchBroker childProcess() {
        List<String> options = ChildJvm.optionsWithOverrides(List.of("-XX:+UseZGC", "-Xms2g", "-Xmx2g"), JAVA_OPTIONS_ENV);
        ChildJvm child = ChildJvm.start("Kafka broker", options, EmbeddedKafkaBroker.class,
                List.of(), Map.of(), "bootstrap");
        return new BenchBroker(child.value(), child::cpuNanos, child::compilerCpuNanos, child);
    }

    @Override
    public void close() throws Exception {
        owner.close();
    }
}
