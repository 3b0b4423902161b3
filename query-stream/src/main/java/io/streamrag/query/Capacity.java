package io.streamrag.query;

import java.util.concurrent.atomic.AtomicInteger;

/** LLM slots of one instance, shared by all its tasks: at most {@code limit} calls in flight. */
final class Capacity {

    private final int limit;
    private final AtomicInteger used = new AtomicInteger();

    Capacity(int limit) {
        this.limit = limit;
    }

    boolean tryAcquire() {
        while (true) {
            int now = used.get();
            if (now >= limit) {
                return false;
            }
            if (used.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void release() {
        used.decrementAndGet();
    }

    int inUse() {
        return used.get();
    }

    int limit() {
        return limit;
    }
}
