package io.streamrag.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringTokenizer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A part of a benchmark's world (the LLM stub, the broker) run in a JVM of its own, started from this process's java
 * and classpath: its heap, collections and threads are then not counted as the measured stream's, as in production
 * where they run elsewhere. The child announces itself with one line {@code KEY=VALUE} on stdout and runs until its
 * stdin closes, so it never outlives this process.
 */
final class ChildJvm implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration SHUTDOWN = Duration.ofSeconds(30);

    private final Process process;
    private final String value;

    private ChildJvm(Process process, String value) {
        this.process = process;
        this.value = value;
    }

    /**
     * {@code options} followed by those in the environment variable {@code env} (split at white space): last, so that
     * they win, for an experiment with a child's own settings.
     */
    static List<String> optionsWithOverrides(List<String> options, String env) {
        List<String> all = new ArrayList<>(options);
        String extra = System.getenv().getOrDefault(env, "").strip();
        if (!extra.isEmpty()) {
            all.addAll(List.of(extra.split("\\s+")));
        }
        return all;
    }

    /** Starts {@code mainClass} with {@code jvmOptions} and waits for its line {@code key=VALUE}. */
    static ChildJvm start(String what, List<String> jvmOptions, Class<?> mainClass, List<String> args,
                          Map<String, String> environment, String key) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the " + what + " process: " + e.getMessage(), e);
        }
        // Every line but the announcement goes to stderr, for as long as the child runs: a child whose stdout
        // nobody reads blocks once the pipe is full.
        CompletableFuture<String> announced = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name(what + "-output").start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String next;
                while ((next = out.readLine()) != null) {
                    if (!announced.isDone() && next.startsWith(key + "=")) {
                        announced.complete(next);
                    } else {
                        System.err.println(next);
                    }
                }
            } catch (IOException ignored) {
                // the child ended
            } finally {
                announced.complete(null);
            }
        });
        try {
            String line = announced.get(STARTUP.toSeconds(), TimeUnit.SECONDS);
            if (line == null) {
                throw new IllegalStateException("the " + what + " process ended before it announced " + key);
            }
            return new ChildJvm(process, line.substring(key.length() + 1).strip());
        } catch (Exception e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IllegalStateException ise ? ise
                    : new IllegalStateException("the " + what + " process did not start: " + e, e);
        }
    }

    /** What the child announced after {@code key=}. */
    String value() {
        return value;
    }

    /** CPU time the child has used so far (0 where the platform does not tell). */
    long cpuNanos() {
        // no lambda: read just before a measured phase (see CpuBreakdown#start)
        Optional<Duration> cpu = process.info().totalCpuDuration();
        return cpu.isPresent() ? cpu.get().toNanos() : 0L;
    }

    /**
     * CPU time the child's JIT compiler threads have used so far, from Linux's {@code /proc}; -1 where it cannot be
     * read. Read with java.io and by hand, not with NIO, streams or regular expressions: it runs just before and after
     * a measured phase (see CpuBreakdown#start).
     */
    long compilerCpuNanos() {
        File tasks = new File("/proc/" + process.pid() + "/task");
        String[] threads = tasks.list();
        if (threads == null) {
            return -1;
        }
        long ticks = 0;
        for (String thread : threads) {
            try {
                String name = CpuBreakdown.readProcFile(new File(tasks, thread + "/comm"));
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    String stat = CpuBreakdown.readProcFile(new File(tasks, thread + "/stat"));
                    // after "pid (comm) ": state is field 3, utime field 14 and stime field 15
                    StringTokenizer fields = new StringTokenizer(stat.substring(stat.lastIndexOf(')') + 2));
                    for (int field = 3; field < 14; field++) {
                        fields.nextToken();
                    }
                    ticks += Long.parseLong(fields.nextToken()) + Long.parseLong(fields.nextToken());
                }
            } catch (IOException | RuntimeException e) {
                // the thread ended since the listing: its time is gone with it
            }
        }
        return ticks * 10_000_000L; // clock ticks of 10 ms (USER_HZ 100)
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.getOutputStream().close();
        if (!process.waitFor(SHUTDOWN.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
