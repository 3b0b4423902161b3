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

    /** Environment variable with more options for the stub's JVM, e.g. to log its collections. */
    static final String JAVA_OPTIONS_ENV = "STREAMRAG_STUB_JAVA_OPTS";

    static StubLlm inProcess(String apiKey, Duration latency) {
        MistralWireStub stub = MistralWireStub.start(apiKey, latency);
        return new StubLlm(stub.baseUrl(), apiKey, () -> -1L, stub);
    }

    /**
     * A stub in a child JVM with a 1 GB heap under ZGC: its collector runs beside it on one thread instead of stopping
     * it, so the responses it holds leave on time (under the serial collector its young pauses, 3-25 ms every 4-5 s,
     * delayed them and counted as the stream's overhead).
     */
    static StubLlm childProcess(String apiKey, Duration latency) {
        List<String> options = ChildJvm.optionsWithOverrides(List.of("-XX:+UseZGC", "-Xms1g", "-Xmx1g"), JAVA_OPTIONS_ENV);
        ChildJvm child = ChildJvm.start("Mistral stub", options, MistralWireStub.class,
                List.of("--latency-ms", Long.toString(latency.toMillis())), Map.of(MistralWireStub.API_KEY_ENV, apiKey), "port");
        return new StubLlm(URI.create("http://127.0.0.1:" + Integer.parseInt(child.value()) + "/v1"), apiKey,
                child::compilerCpuNanos, child);
    }

    @Override
    public void close() throws Exception {
        owner.close();
    }
}
