package io.streamrag.cli;

import io.streamrag.query.llm.stub.MistralWireStub;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The Mistral wire stub a benchmark talks to: inside the measured process, or in a JVM of its own on the same
 * machine, as a remote LLM would be, so that its heap, collections and threads are not counted as the stream's.
 * {@link #compilerCpuNanos} is the CPU time of its JIT compiler threads when it runs apart (-1 inside, or where Linux's
 * {@code /proc} is missing).
 */
record StubLlm(URI baseUrl, String apiKey, LongSupplier compilerCpuNanos, AutoCloseable owner) implements AutoCloseable {

    static StubLlm inProcess(String apiKey, Duration latency) {
        MistralWireStub stub = MistralWireStub.start(apiKey, latency);
        return new StubLlm(stub.baseUrl(), apiKey, () -> -1L, stub);
    }

    /**
     * A stub in a child JVM: a small heap and the serial collector, whose one thread never takes both cores from the
     * stream. Its young pauses (3-17 ms every 4-5 s under bench query's load) delay the responses it holds. A larger
     * young generation made them rarer but longer: 41 ms for 17 MB of survivors copied, 30-117 ms when they were
     * promoted at once.
     */
    static StubLlm childProcess(String apiKey, Duration latency) {
        ChildJvm child = ChildJvm.start("Mistral stub", List.of("-Xmx256m", "-XX:+UseSerialGC"), MistralWireStub.class,
                List.of("--latency-ms", Long.toString(latency.toMillis())), Map.of(MistralWireStub.API_KEY_ENV, apiKey), "port");
        return new StubLlm(URI.create("http://127.0.0.1:" + Integer.parseInt(child.value()) + "/v1"), apiKey,
                child::compilerCpuNanos, child);
    }

    @Override
    public void close() throws Exception {
        owner.close();
    }
}
