package io.streamrag.cli;

import io.streamrag.kafka.embedded.EmbeddedKafkaBroker;

import java.util.ArrayList;
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
     * A broker in a child JVM. Its heap is 1 GB (the log cleaner alone reserves 128 MB), its young generation 64 MB and
     * its collector G1 with one thread. Kafka's request-latency histograms keep their samples for minutes, each in a
     * small skip-list node: with G1's defaults every young collection copied 10-20 MB of such nodes between survivor
     * spaces, slowly (0.1-0.3 MB a millisecond), for 40-160 ms every 30-60 s on both cores, and the stream, on the same
     * two cores, stopped with it. Now what survives a collection goes straight to the old generation and a collection
     * comes every ~3 s: 13-23 ms each, on one core. Kafka's start script's 20 ms pause goal gave ~20 ms every ~2.4 s on
     * both cores; ZGC took 20% more of the broker's CPU.
     */
    static BenchBroker childProcess() {
        List<String> options = new ArrayList<>(List.of("-Xms1g", "-Xmx1g", "-Xmn64m", "-XX:MaxTenuringThreshold=0",
                "-XX:ParallelGCThreads=1", "-XX:ConcGCThreads=1"));
        // last, so that they win: the broker JVM's own settings for an experiment
        String extra = System.getenv().getOrDefault(JAVA_OPTIONS_ENV, "").strip();
        if (!extra.isEmpty()) {
            options.addAll(List.of(extra.split("\\s+")));
        }
        ChildJvm child = ChildJvm.start("Kafka broker", options, EmbeddedKafkaBroker.class,
                List.of(), Map.of(), "bootstrap");
        return new BenchBroker(child.value(), child::cpuNanos, child::compilerCpuNanos, child);
    }

    @Override
    public void close() throws Exception {
        owner.close();
    }
}
