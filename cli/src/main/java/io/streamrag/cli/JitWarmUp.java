package io.streamrag.cli;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Warm-up for benchmarks that run a lot of Java (the broker, Kafka Streams, Lucene, HTTP): the JIT compiler keeps
 * compiling such a process for tens of seconds, on the same cores as the work measured. A benchmark of a long-running
 * stream repeats warm-up rounds until one round sees the compiler take less than a small share of the cores, so the
 * measured phase shows the process as it runs for hours, not during its first minute.
 */
final class JitWarmUp {

    /** Compilation below this share of the cores during a round counts as settled. */
    static final double SETTLED_SHARE = 0.05;

    /** What a warm-up did: rounds run, seconds spent, and the compiler's share of the cores in the last round. */
    record Result(int rounds, double seconds, double lastShare) {
    }

    private JitWarmUp() {
    }

    /** No other JVM's compiler to count. */
    static final LongSupplier NO_OTHER_COMPILERS = () -> -1;

    /**
     * Runs {@code round} (given its index) until a round is settled or {@code max} has passed; at least one round.
     * Between rounds the process idles while the compiler works through what the round queued: under a full load
     * the compiler threads get only their share of the cores, and their queue would drain over minutes.
     * {@code otherCompilers} is the CPU time (ns) of the compiler threads of the other JVMs on the machine that the
     * measured work drives (a broker or an LLM stub in a process of its own), negative when unknown: they compile on
     * the same cores.
     */
    static Result untilSettled(java.util.function.IntConsumer round, Duration max, LongSupplier otherCompilers) {
        long start = System.nanoTime();
        long end = start + max.toNanos();
        for (int i = 0; ; i++) {
            Meter meter = Meter.start(otherCompilers);
            round.accept(i);
            double share = meter.share();
            if (share < SETTLED_SHARE || System.nanoTime() > end) {
                return new Result(i + 1, (System.nanoTime() - start) / 1e9, share);
            }
            idleWhileCompiling(end, otherCompilers);
        }
    }

    static Result untilSettled(java.util.function.IntConsumer round, Duration max) {
        return untilSettled(round, max, NO_OTHER_COMPILERS);
    }

    /** Waits while the compilers are busy (more than a tenth of a core over a quarter second), at most {@code max}. */
    static void idleWhileCompiling(Duration max, LongSupplier otherCompilers) {
        idleWhileCompiling(System.nanoTime() + max.toNanos(), otherCompilers);
    }

    static void idleWhileCompiling(Duration max) {
        idleWhileCompiling(max, NO_OTHER_COMPILERS);
    }

    /** Waits while the compilers are busy (more than a tenth of a core over a quarter second), at most until {@code end}. */
    private static void idleWhileCompiling(long end, LongSupplier otherCompilers) {
        try {
            while (System.nanoTime() < end) {
                Meter meter = Meter.start(otherCompilers);
                Thread.sleep(250);
                if (meter.share() * Runtime.getRuntime().availableProcessors() < 0.1) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The compilers' share of the cores from {@link #start} to {@link #share()}: this JVM's compile time plus the
     * compiler CPU of {@code others} (when known).
     */
    record Meter(long compileMillis, long otherNanos, long nanos, LongSupplier others) {
        static Meter start() {
            return start(NO_OTHER_COMPILERS);
        }

        static Meter start(LongSupplier others) {
            return new Meter(compilationMillis(), others.getAsLong(), System.nanoTime(), others);
        }

        double share() {
            double wallMillis = (System.nanoTime() - nanos) / 1e6;
            long othersNow = others.getAsLong();
            double otherMillis = otherNanos < 0 || othersNow < 0 ? 0 : (othersNow - otherNanos) / 1e6;
            return (compilationMillis() - compileMillis + otherMillis) / (wallMillis * Runtime.getRuntime().availableProcessors());
        }
    }

    /** Time the compiler threads have spent compiling, summed over the threads. */
    private static long compilationMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }
}
