package io.streamrag.cli;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.StringTokenizer;
import java.util.concurrent.locks.LockSupport;

/**
 * A hiccup meter: a thread that sleeps 1 ms over and over and records each time it woke more than 5 ms late. What
 * stops every thread of the process shows here: a collection's pause, a safepoint, the host taking the machine's
 * cores away. When the slowest requests of a phase were all sent during one hiccup, they waited out a stop of the
 * process or of the machine; when they are spread out and the hiccups are small, each waited for a core.
 */
final class Hiccups implements AutoCloseable {

    /** A late wake-up: when the sleep began ({@link System#nanoTime}) and how much later than asked it ended. */
    record Hiccup(long atNanos, double lateMs) {
    }

    private static final long SLEEP_NANOS = 1_000_000;
    private static final long LATE_NANOS = 5_000_000;
    private static final File PROC_STAT = new File("/proc/stat");

    private final List<Hiccup> seen = new ArrayList<>();
    private final Thread meter;
    private volatile boolean running = true;

    private Hiccups() {
        meter = Thread.ofPlatform().daemon().name("bench-hiccup-meter").start(this::run);
    }

    static Hiccups start() {
        return new Hiccups();
    }

    private void run() {
        while (running) {
            long before = System.nanoTime();
            LockSupport.parkNanos(SLEEP_NANOS);
            long late = System.nanoTime() - before - SLEEP_NANOS;
            if (late > LATE_NANOS) {
                synchronized (seen) {
                    seen.add(new Hiccup(before, late / 1e6));
                }
            }
        }
    }

    /** The hiccups so far, in the order they came (sort them only once the measured phase is over). */
    List<Hiccup> inOrder() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** {@code hiccups}, the largest first. */
    static List<Hiccup> largestFirst(List<Hiccup> hiccups) {
        return hiccups.stream().sorted(Comparator.comparingDouble(Hiccup::lateMs).reversed()).toList();
    }

    /**
     * The time the host's hypervisor ran something else while this machine's cores wanted to run (steal, summed over
     * the cores) in milliseconds, from Linux's {@code /proc/stat}; -1 where it cannot be read.
     */
    static long stealMillis() {
        // java.io and a tokenizer rather than NIO and a regular expression: this runs right before and after a
        // measured phase, and must not feed the JDK code the measured process shares new types, which makes the JIT
        // throw away and recompile that code during the phase.
        try {
            StringTokenizer lines = new StringTokenizer(CpuBreakdown.readProcFile(PROC_STAT), "\n");
            while (lines.hasMoreTokens()) {
                String line = lines.nextToken();
                if (line.startsWith("cpu ")) {
                    // cpu user nice system idle iowait irq softirq steal ...: clock ticks of 10 ms (USER_HZ 100)
                    StringTokenizer fields = new StringTokenizer(line);
                    for (int i = 0; i < 8 && fields.hasMoreTokens(); i++) {
                        fields.nextToken();
                    }
                    return fields.hasMoreTokens() ? Long.parseLong(fields.nextToken()) * 10 : -1;
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(meter);
    }
}
