package io.streamrag.cli;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Where a benchmark's CPU went, by part of the process: the CPU time of every Java thread between {@link #start}
 * and {@link Snapshot#until}, grouped by a classifier of thread names, plus {@code vm}: the process's CPU that no
 * Java thread accounts for (garbage collection, JIT compilation and threads that ended in between). CPU time is a
 * steadier measure than wall-clock rates on a shared machine: what a part costs barely depends on what else runs.
 */
final class CpuBreakdown {

    static final String VM = "vm";

    private CpuBreakdown() {
    }

    /** CPU per thread and of the whole process at one moment. */
    record Snapshot(Map<Long, Long> threadNanos, Map<Long, String> names, long processNanos) {

        /** CPU milliseconds spent since this snapshot, per part named by {@code classifier}, and {@link #VM}. */
        Map<String, Double> until(Snapshot end, Function<String, String> classifier) {
            Map<String, Double> millis = new LinkedHashMap<>();
            long javaNanos = 0;
            for (Map.Entry<Long, Long> thread : end.threadNanos.entrySet()) {
                long spent = thread.getValue() - threadNanos.getOrDefault(thread.getKey(), 0L);
                javaNanos += spent;
                millis.merge(classifier.apply(end.names.get(thread.getKey())), spent / 1e6, Double::sum);
            }
            millis.put(VM, Math.max(0, end.processNanos - processNanos - javaNanos) / 1e6);
            return millis;
        }
    }

    /** Groups threads by kind: the name with its numbers and ids folded to {@code #} (e.g. {@code kafka-producer-network-thread #}). */
    static String threadKind(String threadName) {
        return THREAD_NUMBERS.matcher(threadName).replaceAll("#");
    }

    private static final java.util.regex.Pattern THREAD_NUMBERS = java.util.regex.Pattern.compile("[0-9a-f]{4,}(-[0-9a-f]+)*|\\d+");

    /**
     * A snapshot of every platform thread's CPU time. The threads are listed through their thread group rather than
     * {@link ThreadMXBean#getAllThreadIds}, which maps them with a stream: code that runs right before a measured
     * phase must not feed the JDK's shared stream code new types, or the JIT throws away what it compiled for the
     * measured process (deoptimization) and compiles it again during the phase.
     */
    static Snapshot start() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> nanos = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (Thread thread : platformThreads()) {
            long cpu = threads.getThreadCpuTime(thread.threadId());
            if (cpu >= 0) { // -1: ended since it was listed
                nanos.put(thread.threadId(), cpu);
                names.put(thread.threadId(), thread.getName());
            }
        }
        return new Snapshot(nanos, names, processCpuNanos());
    }

    private static Thread[] platformThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] listed = new Thread[root.activeCount() + 64];
        int count;
        while ((count = root.enumerate(listed, true)) == listed.length) {
            listed = new Thread[listed.length * 2];
        }
        return Arrays.copyOf(listed, count);
    }

    /**
     * A Linux {@code /proc} file as text, read with java.io: the meters read these right before and after a measured
     * phase, where NIO would feed the JDK code the measured process shares new types (see {@link #start}).
     */
    static String readProcFile(File file) throws IOException {
        try (FileInputStream in = new FileInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
