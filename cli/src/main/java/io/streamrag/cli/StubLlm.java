package io.streamrag.cli;

import io.streamrag.query.llm.stub.MistralWireStub;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Mistral wire stub a benchmark talks to: inside the measured process, or in a JVM of its own on the same
 * machine, as a remote LLM would be, so that its heap, collections and threads are not counted as the stream's.
 */
record StubLlm(URI baseUrl, String apiKey, AutoCloseable owner) implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(60);

    static StubLlm inProcess(String apiKey, Duration latency) {
        MistralWireStub stub = MistralWireStub.start(apiKey, latency);
        return new StubLlm(stub.baseUrl(), apiKey, stub);
    }

    /** A stub in a child JVM (small heap, serial collector), started from this process's java and classpath. */
    static StubLlm childProcess(String apiKey, Duration latency) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), MistralWireStub.class.getName(),
                "--latency-ms", Long.toString(latency.toMillis())))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put(MistralWireStub.API_KEY_ENV, apiKey);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Mistral stub process: " + e.getMessage(), e);
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(STARTUP.toSeconds(), TimeUnit.SECONDS);
            if (line == null || !line.startsWith("port=")) {
                throw new IllegalStateException("the Mistral stub process did not start (said: " + line + ")");
            }
            int port = Integer.parseInt(line.substring("port=".length()).strip());
            return new StubLlm(URI.create("http://127.0.0.1:" + port + "/v1"), apiKey, () -> {
                process.getOutputStream().close(); // the stub serves until its stdin closes
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            });
        } catch (Exception e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IllegalStateException ise ? ise
                    : new IllegalStateException("the Mistral stub process did not start: " + e, e);
        }
    }

    @Override
    public void close() throws Exception {
        owner.close();
    }
}
